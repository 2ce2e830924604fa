/**
 * Every error the project raises on purpose carries a stable code (for logs, metrics, DLQ headers
 * and HTTP bodies) and says whether retrying the same operation can succeed.
 */
export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    opts: { retriable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = opts.retriable ?? false;
    this.details = opts.details;
  }
}

/** Bad input from outside (HTTP body, Kafka record, CLI flag): never retriable as-is. */
export class ValidationError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { retriable: false, details });
  }
}

/** A dependency (broker, database, registry) failed in a way that may pass on its own. */
export class TransientError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retriable: true, cause });
  }
}

export class ConfigError extends AppError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, { retriable: false });
    this.problems = problems;
  }
}

export function isRetriable(err: unknown): boolean {
  if (err instanceof AppError) return err.retriable;
  // kafkajs marks its own errors; anything else unknown is treated as not retriable to avoid hot loops.
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

export function errorCode(err: unknown): string {
  if (err instanceof AppError) return err.code;
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return 'UNEXPECTED';
}
