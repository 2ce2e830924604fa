import {
  AvroSerde,
  createKafka,
  createServiceRuntime,
  loadConfigOrExit,
  runService,
} from '@retail-stream/runtime';
import { ingestConfig } from './config.ts';
import { PROCESSOR_NAME, startIngestProcessor } from './ingest-processor.ts';

/** The ingest processor: `npm start -w @retail-stream/ingest-processor` (settings: README.md). */
const config = loadConfigOrExit(ingestConfig);
const rt = createServiceRuntime(PROCESSOR_NAME, config);
const kafka = createKafka(config, PROCESSOR_NAME, rt.logger, { metrics: rt.metrics });

// Ops endpoints come up first, so /healthz answers while reference data and the changelog load.
// Consumer stop waits for the batch in flight, whose transaction (outputs + state + offsets) commits.
await runService(
  rt,
  (deps) => startIngestProcessor({ ...deps, config, kafka, serde: AvroSerde.fromConfig(config) }),
  {
    name: 'ingest processor',
    opsPort: config.OPS_PORT,
    check: 'ingest',
    starting: 'loading reference data and dedup state',
    stopHook: 'ingest: finish and commit the batch in flight',
    closeHook: 'ingest: close producers and readers',
    startedLog: { input: config.INGEST_INPUT_TOPIC, output: config.INGEST_OUTPUT_TOPIC },
  },
);
