import { AvroSerde, createKafka, createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { ingestConfig } from './config.ts';
import { IngestProcessor, PROCESSOR_NAME } from './ingest-processor.ts';

/** The ingest processor: `npm start -w @retail-stream/ingest-processor` (settings: README.md). */
const config = loadConfigOrExit(ingestConfig);
const rt = createServiceRuntime(PROCESSOR_NAME, config);
const kafka = createKafka(config, PROCESSOR_NAME, rt.logger);
const processor = new IngestProcessor({
  config,
  kafka,
  serde: AvroSerde.fromUrl(config.SCHEMA_REGISTRY_URL),
  logger: rt.logger,
  metrics: rt.metrics,
  signal: rt.shutdown.signal,
  onFatal: () => void rt.shutdown.trigger('non-retriable processing error', 1),
});
rt.health.addCheck('ingest', () => processor.readiness());
await rt.serve(config.OPS_PORT);
// Consumer stop waits for the batch in flight, whose transaction (outputs + state + offsets) commits.
rt.shutdown.onShutdown(
  'ingest: finish and commit the batch in flight, close',
  () => processor.stop(),
  'drain',
);

try {
  await processor.start();
  rt.logger.info(
    { input: config.INGEST_INPUT_TOPIC, output: config.INGEST_OUTPUT_TOPIC },
    'ingest processor started',
  );
} catch (err) {
  // Half-started consumers cannot be restarted in place; a supervisor restarts the process.
  if (!rt.shutdown.isShuttingDown) {
    rt.logger.fatal({ err }, 'ingest processor could not start');
    void rt.shutdown.trigger('start failed', 1);
  }
}
