import { createKafka, createServiceRuntime, loadConfigOrExit, runService } from '@retail-stream/runtime';
import { kpiConfig } from './config.ts';
import { KPI_WINDOWS_NAME, startKpiWindows } from './kpi-windows.ts';

/**
 * KPI windows: `npm start -w @retail-stream/kpi-windows`. Stage 1 (store windows) scales with the
 * enriched topic's partitions; stage 2 (chain) runs in every instance but only the one holding the
 * single store-windows partition works (see README.md).
 */
const config = loadConfigOrExit(kpiConfig);
const rt = createServiceRuntime(KPI_WINDOWS_NAME, config);
const kafka = createKafka(config, KPI_WINDOWS_NAME, rt.logger, { metrics: rt.metrics });

// Ops endpoints come up first, so /healthz answers while topics and schemas are checked. KPI
// windows stop with the intake; close publishes the due window updates, so it runs in 'flush'.
await runService(rt, (deps) => startKpiWindows({ ...deps, registry: deps.metrics, config, kafka }), {
  name: 'kpi windows',
  opsPort: config.OPS_PORT,
  check: 'kpi',
  stopHook: 'kpi: stop intake, finish and commit the batch in flight',
  stopPhase: 'stop-intake',
  closeHook: 'kpi: publish due updates, close producers',
  closePhase: 'flush',
  startedLog: { stage: config.KPI_STAGE, input: config.KPI_INPUT_TOPIC, output: config.KPI_OUTPUT_TOPIC },
});
