import { createKafka, createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { kpiConfig } from './config.ts';
import { createKpiService, type KpiService } from './kpi-service.ts';

/**
 * KPI windows: `npm start -w @retail-stream/kpi-windows`. Stage 1 (store windows) scales with the
 * enriched topic's partitions; stage 2 (chain) runs in every instance but only the one holding the
 * single store-windows partition works (see README.md).
 */
const config = loadConfigOrExit(kpiConfig);
const rt = createServiceRuntime('kpi-windows', config);
const kafka = createKafka(config, 'kpi-windows', rt.logger);

const holder: { service?: KpiService } = {};
rt.health.addCheck('kpi', () => holder.service?.isReady() ?? 'starting');
// Ops endpoints first, so /healthz answers while topics and schemas are checked.
await rt.serve(config.OPS_PORT);

const started = await createKpiService({
  config,
  kafka,
  logger: rt.logger,
  registry: rt.metrics,
  onFatal: () => void rt.shutdown.trigger('kpi consumer stopped on a non-retriable error', 1),
});
holder.service = started;
rt.shutdown.onShutdown(
  'kpi: stop intake, finish and commit the batch in flight',
  () => started.stop(),
  'stop-intake',
);
rt.shutdown.onShutdown('kpi: publish due updates, close producers', () => started.close(), 'flush');
await started.start();
rt.logger.info(
  { stage: config.KPI_STAGE, input: config.KPI_INPUT_TOPIC, output: config.KPI_OUTPUT_TOPIC },
  'kpi windows started',
);
