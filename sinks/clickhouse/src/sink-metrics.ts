import { counter, histogram, type ServiceRuntime } from '@retail-stream/runtime';

type Registry = ServiceRuntime['metrics'];

export const SINK_NAME = 'clickhouse';

export function sinkMetrics(registry: Registry) {
  return {
    rowsWritten: counter(registry, 'retail_sink_rows_written_total', 'Rows acknowledged by the sink store', [
      'sink',
      'table',
    ]),
    batchSize: histogram(
      registry,
      'retail_sink_batch_size',
      'Rows per flush (all tables)',
      ['sink'],
      [10, 100, 1_000, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000],
    ),
    writeSeconds: histogram(registry, 'retail_sink_write_seconds', 'Time to write one flush, all tables', [
      'sink',
    ]),
    writeErrors: counter(registry, 'retail_sink_write_errors_total', 'Failed flushes', ['sink', 'code']),
    deadLetters: counter(registry, 'retail_sink_dead_letters_total', 'Records sent to the DLQ', [
      'sink',
      'code',
    ]),
  };
}
export type SinkMetrics = ReturnType<typeof sinkMetrics>;
