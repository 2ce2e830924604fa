import { counter, histogram } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';

export const SINK = 'postgres';

/** The sink's own metrics; consumer lag is the runner's retail_consumer_lag_messages. */
export function sinkMetrics(registry: Registry) {
  return {
    rows: counter(registry, 'retail_sink_rows_written_total', 'Rows inserted or updated, by table', [
      'sink',
      'table',
    ]),
    batchSize: histogram(
      registry,
      'retail_sink_batch_size',
      'Records per handled Kafka batch',
      ['sink', 'topic'],
      [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    ),
    writeSeconds: histogram(registry, 'retail_sink_write_seconds', 'Time of one batch transaction', [
      'sink',
      'topic',
    ]),
    applied: counter(registry, 'retail_sink_events_applied_total', 'Records applied for the first time', [
      'sink',
      'topic',
    ]),
    duplicates: counter(
      registry,
      'retail_sink_events_duplicate_total',
      'Records already applied (redelivery, replay) or superseded by a higher KPI revision',
      ['sink', 'topic'],
    ),
    deadLetters: counter(registry, 'retail_sink_dead_letters_total', 'Records sent to the DLQ, by reason', [
      'sink',
      'code',
    ]),
  };
}

export type SinkMetrics = ReturnType<typeof sinkMetrics>;
