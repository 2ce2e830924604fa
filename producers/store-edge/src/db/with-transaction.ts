import type pg from 'pg';

/** serialization_failure and deadlock_detected: the transaction did nothing and may simply run again. */
const RETRY_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

export function isRetryablePgError(err: unknown): boolean {
  return RETRY_CODES.has((err as { code?: string })?.code ?? '');
}

/**
 * Runs fn in one database transaction on one pooled connection: commit on return, rollback on
 * throw. A deadlock or serialization failure re-runs fn from scratch (it must not have side
 * effects outside the database that cannot repeat).
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      if (attempt < MAX_ATTEMPTS && isRetryablePgError(err)) continue;
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
