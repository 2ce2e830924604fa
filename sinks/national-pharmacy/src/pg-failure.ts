import { AppError, TransientError } from '@retail-stream/runtime';

/**
 * A Postgres failure → the sinks' catalogue codes (the same classes as sinks/postgres's
 * pg-errors.ts): no SQLSTATE or class 08/40/53/57 → PG_UNAVAILABLE; 22/23 → PG_DATA_REJECTED;
 * anything else → PG_FAILED (a bug or a broken deployment).
 */
export function toPgAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = (err as Error)?.message ?? String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (
    typeof code !== 'string' ||
    !/^[0-9A-Z]{5}$/.test(code) ||
    ['08', '40', '53', '57'].includes(code.slice(0, 2)) ||
    code === '55P03'
  ) {
    return new TransientError('PG_UNAVAILABLE', `postgres: ${message}`, err);
  }
  if (['22', '23'].includes(code.slice(0, 2))) {
    return new AppError('PG_DATA_REJECTED', `postgres refused the data (${code}): ${message}`, {
      cause: err,
    });
  }
  return new AppError('PG_FAILED', `postgres (${code}): ${message}`, { cause: err });
}
