import { AvroSerde, createKafka, createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { ingestConfig } from './config.ts';
import { PROCESSOR_NAME, startIngestProcessor, type IngestProcessor } from './ingest-processor.ts';

/** The ingest processor: `npm start -w @retail-stream/ingest-processor` (settings: README.md). */
const config = loadConfigOrExit(ingestConfig);
const rt = createServiceRuntime(PROCESSOR_NAME, config);
const kafka = createKafka(config, PROCESSOR_NAME, rt.logger);
const holder: { processor?: IngestProcessor } = {};
rt.health.addCheck('ingest', () => holder.processor?.readiness() ?? 'loading reference data and dedup state');
// Ops endpoints first, so /healthz answers while reference data and the changelog load.
await rt.serve(config.OPS_PORT);

try {
  const processor = await startIngestProcessor({
    config,
    kafka,
    serde: AvroSerde.fromUrl(config.SCHEMA_REGISTRY_URL),
    logger: rt.logger,
    metrics: rt.metrics,
    signal: rt.shutdown.signal,
    onFatal: () => void rt.shutdown.trigger('non-retriable processing error', 1),
  });
  holder.processor = processor;
  if (rt.shutdown.isShuttingDown) {
    // The signal came while the consumer was joining: its hooks below would be too late.
    await processor.stop();
    await processor.close();
  }
  // Consumer stop waits for the batch in flight, whose transaction (outputs + state + offsets) commits.
  rt.shutdown.onShutdown('ingest: finish and commit the batch in flight', () => processor.stop(), 'drain');
  rt.shutdown.onShutdown('ingest: close producers and readers', () => processor.close(), 'close');
  rt.logger.info(
    { input: config.INGEST_INPUT_TOPIC, output: config.INGEST_OUTPUT_TOPIC },
    'ingest processor started',
  );
} catch (err) {
  // A half-started processor closed what it opened; a supervisor restarts the process.
  if (!rt.shutdown.isShuttingDown) {
    rt.logger.fatal({ err }, 'ingest processor could not start');
    void rt.shutdown.trigger('start failed', 1);
  }
}
