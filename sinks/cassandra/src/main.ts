import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { cassandraSinkConfig } from './config.ts';
import { startCassandraSink, type CassandraSink } from './sink-service.ts';

/**
 * Cassandra projections sink: retail.events.enriched → inventory_by_store, sales_by_store_day,
 * transaction_by_id. Run `npm run migrate -w @retail-stream/cassandra-sink` first.
 */
const config = loadConfigOrExit(cassandraSinkConfig);
const rt = createServiceRuntime('cassandra-sink', config);

let sink: CassandraSink | undefined;
rt.health.addCheck('consumer', () => (sink?.isReady() ? true : 'starting'));
await rt.serve(config.OPS_PORT);

try {
  sink = await startCassandraSink({
    config,
    logger: rt.logger,
    metrics: rt.metrics,
    signal: rt.shutdown.signal,
    onFatal: () => void rt.shutdown.trigger('non-retriable sink error', 1),
  });
} catch (err) {
  if (!rt.shutdown.isShuttingDown) throw err;
}
const started = sink;
if (started) {
  rt.shutdown.onShutdown(
    'cassandra sink: finish and commit the batch in flight',
    () => started.stop(),
    'drain',
  );
  rt.shutdown.onShutdown('cassandra sink: DLQ producer and Cassandra client', () => started.close(), 'close');
}
