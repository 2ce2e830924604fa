import type pg from 'pg';

/**
 * Lets a test's pool outlive `DROP DATABASE … WITH (FORCE)` and server restarts.
 *
 * pg-pool's `end()` resolves before its clients' sockets have closed, so a forced drop right after
 * can still reach an idle client as 57P01 ("terminating connection due to administrator command").
 * A pool with no 'error' listener re-throws that as an uncaught exception, which vitest reports
 * against whichever test runs at that moment and fails the whole run. A query on a broken client
 * still fails in the test that made it; only idle clients' errors are swallowed here.
 */
export function tolerateDroppedConnections<T extends pg.Pool>(pool: T): T {
  pool.on('error', () => undefined);
  return pool;
}
