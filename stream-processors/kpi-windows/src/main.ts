import { createKafka, createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { kpiConfig } from './config.ts';
import { KPI_WINDOWS_NAME, startKpiWindows, type KpiWindows } from './kpi-windows.ts';

/**
 * KPI windows: `npm start -w @retail-stream/kpi-windows`. Stage 1 (store windows) scales with the
 * enriched topic's partitions; stage 2 (chain) runs in every instance but only the one holding the
 * single store-windows partition works (see README.md).
 */
const config = loadConfigOrExit(kpiConfig);
const rt = createServiceRuntime(KPI_WINDOWS_NAME, config);
const kafka = createKafka(config, KPI_WINDOWS_NAME, rt.logger);

const holder: { service?: KpiWindows } = {};
rt.health.addCheck('kpi', () => holder.service?.readiness() ?? 'starting');
// Ops endpoints first, so /healthz answers while topics and schemas are checked.
await rt.serve(config.OPS_PORT);

const started = await startKpiWindows({
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
rt.logger.info(
  { stage: config.KPI_STAGE, input: config.KPI_INPUT_TOPIC, output: config.KPI_OUTPUT_TOPIC },
  'kpi windows started',
);
