import { AppError } from './errors/app-error.ts';
import { isUnclassifiedError, rootCause } from './errors/unclassified.ts';

/** The default of MAX_UNKNOWN_ERROR_RETRIES (service-config.ts). */
export const DEFAULT_MAX_UNKNOWN_ERROR_RETRIES = 10;

/**
 * Bounds how often a retry loop retries an error nothing recognises (isUnclassifiedError): an
 * outage is waited out however long it lasts, a bug is not retried forever. `record(err)` after
 * each failure counts unclassified ones in a row and returns the fatal error once more than `max`
 * happened; `reset()` after a success. Classified failures neither count nor reset: an outage in
 * the middle of a bug's retries does not give the bug a fresh budget.
 */
export class UnknownErrorBudget {
  private count = 0;

  constructor(
    private readonly max: number,
    /** What is being retried, for the message ('consumer group ingest, topic t'). */
    private readonly what: string,
  ) {}

  get attempts(): number {
    return this.count;
  }

  /** Undefined while within budget; the error to stop with once it is spent. */
  record(err: unknown): AppError<'UNKNOWN_ERROR_LIMIT'> | undefined {
    if (!isUnclassifiedError(err)) return undefined;
    this.count++;
    if (this.count <= this.max) return undefined;
    const root = rootCause(err);
    const name = (root as Error | null)?.name ?? typeof root;
    const message = (root as Error | null)?.message ?? String(root);
    return new AppError(
      'UNKNOWN_ERROR_LIMIT',
      `${this.what}: unclassified error ${name}: ${message} — failed ${this.count} times in a row ` +
        `(MAX_UNKNOWN_ERROR_RETRIES=${this.max}); stopping instead of retrying forever`,
      { cause: err, details: { attempts: this.count, max: this.max } },
    );
  }

  reset(): void {
    this.count = 0;
  }
}
