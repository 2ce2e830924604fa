import { AppError, TransientError } from '@retail-stream/runtime';
import cassandra from 'cassandra-driver';

const { errors, types } = cassandra;

/** Server answers that mean "not now" rather than "never": the same write can succeed later. */
const TRANSIENT_RESPONSE_CODES = new Set<number>([
  types.responseErrorCodes.unavailableException,
  types.responseErrorCodes.overloaded,
  types.responseErrorCodes.isBootstrapping,
  types.responseErrorCodes.writeTimeout,
  types.responseErrorCodes.readTimeout,
  types.responseErrorCodes.writeFailure,
  types.responseErrorCodes.readFailure,
  types.responseErrorCodes.truncateError,
  types.responseErrorCodes.serverError,
]);

/**
 * Cassandra down, slow or busy → TransientError (the consumer runner pauses and retries the batch);
 * anything else (a bad statement, a schema that doesn't match) is a bug → non-retriable, which
 * stops the sink without committing rather than skipping data.
 */
export function toCassandraError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const message = `${what}: ${(err as Error)?.message ?? String(err)}`;
  if (
    err instanceof errors.NoHostAvailableError ||
    err instanceof errors.OperationTimedOutError ||
    err instanceof errors.BusyConnectionError
  ) {
    return new TransientError('CASSANDRA_UNAVAILABLE', message, err);
  }
  if (err instanceof errors.ResponseError && TRANSIENT_RESPONSE_CODES.has(err.code)) {
    return new TransientError('CASSANDRA_UNAVAILABLE', message, err);
  }
  // Socket-level failures surface as plain errors with a code (ECONNRESET, EPIPE, …).
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new TransientError('CASSANDRA_UNAVAILABLE', message, err);
  }
  if (err instanceof errors.DriverInternalError || /not (yet )?connected|shutdown/i.test(message)) {
    return new TransientError('CASSANDRA_UNAVAILABLE', message, err);
  }
  return new AppError('CASSANDRA_QUERY_FAILED', message, { retriable: false, cause: err });
}
