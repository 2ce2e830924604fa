import type { Registry } from 'prom-client';
import { counter, histogram } from './metric-factory.ts';

/**
 * The metric family every sink exports, with one label set per name so a dashboard can put the
 * Postgres, ClickHouse and Cassandra sinks side by side. `sink` is a constant per process and
 * `table`/`code`/`topic` are small fixed sets. Consumer lag is the runner's retail_consumer_lag_messages.
 */
export function sinkMetrics(registry: Registry) {
  return {
    rowsWritten: counter(registry, 'retail_sink_rows_written_total', 'Rows the sink store acknowledged', [
      'sink',
      'table',
    ]),
    batchSize: histogram(
      registry,
      'retail_sink_batch_size',
      'Rows per write (all tables)',
      ['sink'],
      [1, 10, 100, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000],
    ),
    writeSeconds: histogram(registry, 'retail_sink_write_seconds', 'Time of one write, all tables', ['sink']),
    writeErrors: counter(
      registry,
      'retail_sink_write_errors_total',
      'Failed writes, by error code (retried, or isolated when the store refused data)',
      ['sink', 'code'],
    ),
    deadLetters: counter(registry, 'retail_sink_dead_letters_total', 'Records sent to the DLQ, by reason', [
      'sink',
      'code',
    ]),
    // Sinks with an inbox (Postgres) say, per topic, whether a record was new or already applied.
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
  };
}

export type SinkMetrics = ReturnType<typeof sinkMetrics>;
