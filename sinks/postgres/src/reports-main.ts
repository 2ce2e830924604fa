import { syncDatabaseConfig } from '@retail-stream/national-pharmacy-sink';
import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { reportsConfig } from './config.ts';
import { hqPool } from './db.ts';
import { mountReports } from './reports/reports-app.ts';

/**
 * The reports API: `npm run reports -w @retail-stream/postgres-sink`. Read-only queries over the
 * sink's tables; /v1/* as documented in openapi.yaml, plus /metrics, /healthz, /readyz.
 */
const config = loadConfigOrExit(reportsConfig);
// GET /v1/national-sync reads the sync's schema: the same variable (and check) the sync service uses.
const { NATIONAL_SYNC_PG_SCHEMA } = loadConfigOrExit(
  syncDatabaseConfig.pick({ NATIONAL_SYNC_PG_SCHEMA: true }),
);
const rt = createServiceRuntime('reports-api', config);
const pool = hqPool(config.PG_URL, config.HQ_PG_SCHEMA, {
  max: config.PG_POOL_MAX,
  connectionTimeoutMillis: config.PG_CONNECT_TIMEOUT_MS,
  statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
  applicationName: 'reports-api',
});
rt.health.addCheck('postgres', async () => {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch (err) {
    return `postgres: ${(err as Error).message}`;
  }
});
mountReports(rt.app, {
  pool,
  tokenHashes: config.REPORTS_API_TOKEN_SHA256,
  maxRangeDays: config.REPORTS_MAX_RANGE_DAYS,
  nationalSyncSchema: NATIONAL_SYNC_PG_SCHEMA,
  logger: rt.logger,
  metrics: rt.metrics,
});
rt.shutdown.onShutdown('postgres pool', () => pool.end(), 'close');
await rt.serve(config.REPORTS_PORT, { isApi: true });
