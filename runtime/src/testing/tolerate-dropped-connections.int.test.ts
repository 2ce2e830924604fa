import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serviceEnv } from '../../../infra/src/service-env.ts';
import { tolerateDroppedConnections } from './tolerate-dropped-connections.ts';
import { waitFor } from './wait-for.ts';

const PG_URL = serviceEnv().PG_URL ?? '';

describe('tolerateDroppedConnections (real Postgres)', () => {
  it('an idle client killed by the server is dropped from the pool, not thrown; the pool keeps working', async () => {
    const pool = tolerateDroppedConnections(new pg.Pool({ connectionString: PG_URL, max: 1 }));
    // No listener of the test's own: without the helper the server's 57P01 becomes an uncaught
    // exception, which vitest reports as a failed run.
    let removed = 0;
    pool.on('remove', () => removed++);
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();

      await waitFor(() => removed === 1, { what: 'the killed client removed from the pool' });
      expect(pool.totalCount).toBe(0);
      const after = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(after.rows[0]!.pid).not.toBe(rows[0]!.pid);
    } finally {
      await pool.end();
    }
  });
});
