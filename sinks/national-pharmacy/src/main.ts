import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { runSink } from '@retail-stream/runtime/sink-kit';
import type pg from 'pg';
import { nationalSyncConfig } from './config.ts';
import { mountStatusRoute } from './status-route.ts';
import { nationalSyncSpec, SINK_NAME } from './writer.ts';

/**
 * National pharmacy database sync: retail.events.enriched → documents in Postgres → the authority.
 * Migrates its schema at start (or `npm run migrate -w @retail-stream/national-pharmacy-sink`).
 */
const config = loadConfigOrExit(nationalSyncConfig);
const rt = createServiceRuntime(SINK_NAME, config);
let pool: pg.Pool | undefined;
mountStatusRoute(rt.app, () => pool);
await runSink(
  rt,
  nationalSyncSpec(config, (h) => (pool = h.pool)),
  config.OPS_PORT,
);
