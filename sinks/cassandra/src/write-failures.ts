import { AppError, isRetriable } from '@retail-stream/runtime';
import type { WriteFailure } from '@retail-stream/runtime/sink-kit';
import cassandra from 'cassandra-driver';

/**
 * Cassandra's answers that blame a value rather than the statement: a key over 64 KiB, a null or
 * unset key column. A bad statement or schema (unknown column, keyspace) is also an "invalid
 * request", hence the messages.
 */
const DATA_MESSAGES = /key length of \d+ is longer than maximum|invalid (null|unset) value/i;

/**
 * Cassandra refused a value → poison (the kit isolates and dead-letters the record); the driver could not encode a value for its column (a
 * TypeError before anything was sent) → poison as well; down, slow or busy → retriable; anything
 * else → a bug.
 */
export function classifyCassandraWrite(err: unknown): WriteFailure {
  if (isRetriable(err)) return { kind: 'retriable' };
  const cause = err instanceof AppError ? err.cause : err;
  if (cause instanceof TypeError) return { kind: 'poison', code: 'CASSANDRA_DATA_REJECTED' };
  if (
    cause instanceof cassandra.errors.ResponseError &&
    cause.code === cassandra.types.responseErrorCodes.invalid &&
    DATA_MESSAGES.test(cause.message)
  ) {
    return { kind: 'poison', code: 'CASSANDRA_DATA_REJECTED' };
  }
  return { kind: 'bug' };
}
