import { AppError, clickhouseErrorCode, TransientError } from '@retail-stream/runtime';

/**
 * ClickHouse error codes that pass on their own: too many simultaneous queries (202), memory limit
 * (241), too many parts (252), timeouts (159, 209), network (210), read-only replica (242),
 * table being dropped/renamed or locked (473), and the like.
 */
const RETRIABLE_CODES = new Set([159, 164, 202, 203, 209, 210, 241, 242, 252, 285, 319, 425, 473]);

/**
 * Classifies a failed ClickHouse call: no server answer (refused, reset, timeout) or overload →
 * TransientError (the runner pauses and retries the same records); an error the server gave for
 * the query itself (unknown table, type mismatch) → non-retriable AppError, because retrying the same
 * insert cannot succeed and skipping it would lose data.
 */
export function toSinkError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const code = clickhouseErrorCode(err);
  const message = `${what}: ${(err as Error)?.message ?? String(err)}`;
  if (code === undefined) return new TransientError('CLICKHOUSE_UNAVAILABLE', message, err);
  if (RETRIABLE_CODES.has(code)) return new TransientError('CLICKHOUSE_OVERLOADED', message, err);
  return new AppError('CLICKHOUSE_REJECTED', message, { retriable: false, cause: err, details: { code } });
}
