import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { runSink } from '@retail-stream/runtime/sink-kit';
import { cassandraSinkConfig } from './config.ts';
import { cassandraSinkSpec, SINK_NAME } from './writer.ts';

/**
 * Cassandra projections sink: retail.events.enriched → inventory_by_store, sales_by_store_day,
 * transaction_by_id_and_store. Run `npm run migrate -w @retail-stream/cassandra-sink` first (stop the
 * previous sink version before migrating: migration 003 drops the table it writes).
 */
const config = loadConfigOrExit(cassandraSinkConfig);
const rt = createServiceRuntime(SINK_NAME, config);
await runSink(rt, cassandraSinkSpec(config), config.OPS_PORT);
