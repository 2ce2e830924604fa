import type pg from 'pg';

/** serialization_failure and deadlock_detected: the transaction did nothing and may simply run again. */
const RETRY_CODES = new Set(['40001', '40P01']);

export function isRetryablePgError(err: unknown): boolean {
  return RETRY_CODES.has((err as { code?: string })?.code ?? '');
}

export interface TransactionOptions {
  /**
   * Runs in all, counting the first, when Postgres aborts with a deadlock or serialization failure
   * (fn runs again from scratch, so it must have no side effects outside the database). Default 1.
   */
  attempts?: number;
}

/**
 * Runs fn in one database transaction on one pooled connection: commit on return, rollback on
 * throw. A connection whose ROLLBACK failed is destroyed rather than handed to the next caller.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      if (attempt < attempts && isRetryablePgError(err)) continue;
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
