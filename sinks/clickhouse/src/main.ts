import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { sinkConfig } from './config.ts';
import { createSinkService } from './sink-service.ts';

/** The ClickHouse analytics sink: retail.events.enriched + retail.kpi.windows → ClickHouse facts. */
const config = loadConfigOrExit(sinkConfig);
const rt = createServiceRuntime('clickhouse-sink', config);

let readiness: () => boolean | string = () => 'starting';
rt.health.addCheck('consumer', () => readiness());
// Ops endpoints first, so /healthz answers while the sink migrates and joins its group.
await rt.serve(config.OPS_PORT);

const started = await createSinkService({
  config,
  logger: rt.logger,
  metrics: rt.metrics,
  // A non-retriable error is a bug or a schema problem: exit non-zero without committing.
  onFatal: () => void rt.shutdown.trigger('fatal consumer error', 1),
});
readiness = () => started.isReady();
rt.shutdown.onShutdown(
  'clickhouse sink: stop consuming, finish and commit the batch in flight',
  () => started.stop(),
  'drain',
);
rt.shutdown.onShutdown(
  'clickhouse sink: flush buffered rows, close producer and ClickHouse',
  () => started.close(),
  'flush',
);
await started.start();
rt.logger.info(
  {
    database: config.CLICKHOUSE_DATABASE,
    topics: [config.SINK_EVENTS_TOPIC, config.SINK_KPI_TOPIC],
    group: config.SINK_GROUP_ID,
  },
  'clickhouse sink started',
);
