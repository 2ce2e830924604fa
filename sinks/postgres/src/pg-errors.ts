import { AppError, TransientError } from '@retail-stream/runtime';

export type PgFailure = 'transient' | 'data' | 'fatal';

/**
 * SQLSTATE classes that pass on their own: connection exceptions (08), insufficient resources (53),
 * operator intervention (57: shutdown, crash, statement timeout), transaction rollback (40:
 * serialization failure, deadlock) and lock_not_available.
 */
const TRANSIENT_CLASSES = new Set(['08', '53', '57', '40']);
/** Data exceptions (22) and integrity violations (23): this record can never be written. */
const DATA_CLASSES = new Set(['22', '23']);

/**
 * What a failed statement means for the batch. Errors without a SQLSTATE are the network's
 * (ECONNREFUSED, "Connection terminated", pool connect timeout): the database is away, so retry.
 * Anything else (a missing table, a syntax error) is a bug or a broken deployment: stop, do not
 * dead-letter good data.
 */
export function classifyPgError(err: unknown): PgFailure {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return 'transient';
  const cls = code.slice(0, 2);
  if (TRANSIENT_CLASSES.has(cls) || code === '55P03') return 'transient';
  if (DATA_CLASSES.has(cls)) return 'data';
  return 'fatal';
}

/** A record (or batch) Postgres refuses for what it contains; the handler dead-letters it. */
export class PgDataError extends AppError {
  constructor(message: string, cause: unknown) {
    super('PG_DATA_REJECTED', message, { retriable: false, cause });
  }
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = (err as Error)?.message ?? String(err);
  const code = (err as { code?: unknown } | null)?.code;
  switch (classifyPgError(err)) {
    case 'transient':
      return new TransientError('PG_UNAVAILABLE', `postgres: ${message}`, err);
    case 'data':
      return new PgDataError(`postgres refused the data (${String(code)}): ${message}`, err);
    default:
      return new AppError('PG_FAILED', `postgres (${String(code)}): ${message}`, {
        retriable: false,
        cause: err,
      });
  }
}
