import { AppError, errorCode, isRetriable, TransientError, type ErrorCode } from '../errors.ts';

/**
 * What a failed write means, as the sink's classifier says:
 *  - retriable: the store is away or busy; the same records are retried (the runner pauses);
 *  - poison: the store refuses something in the data; the kit isolates the record(s) refused alone
 *    and dead-letters them with `code` and the store's message;
 *  - bug: anything else (missing table, bad statement); the sink stops without committing.
 */
export type WriteFailure = { kind: 'retriable' } | { kind: 'poison'; code: ErrorCode } | { kind: 'bug' };

export type WriteFailureClassifier = (err: unknown) => WriteFailure;

/** The error to throw to the consumer runner so it does what the classifier decided. */
export function runnerErrorOf(err: unknown, failure: WriteFailure): unknown {
  const message = (err as Error)?.message ?? String(err);
  if (failure.kind === 'retriable' && !isRetriable(err)) {
    return new TransientError('SINK_STORE_UNAVAILABLE', `${errorCode(err)}: ${message}`, err);
  }
  if (failure.kind !== 'retriable' && isRetriable(err)) {
    return new AppError('SINK_WRITE_FAILED', `${errorCode(err)}: ${message}`, {
      retriable: false,
      cause: err,
    });
  }
  return err;
}
