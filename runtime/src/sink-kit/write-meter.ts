import { errorCode } from '../errors.ts';
import type { SinkMetrics } from '../sink-metrics.ts';

/** What one write to the store did: rows inserted or updated, by table. */
export interface WriteCounts {
  rows: Record<string, number>;
}

/**
 * Puts one write to the store into the shared sink metrics: its time, its rows per table and in
 * all (retail_sink_batch_size), or its error code. Writers call it around each real database
 * write (a Postgres transaction, a ClickHouse flush, a Cassandra batch set), so the numbers mean
 * the same in every sink whatever a sink batches across Kafka batches.
 */
export class WriteMeter {
  constructor(
    readonly metrics: SinkMetrics,
    /** Value of the `sink` label (`postgres`, `clickhouse`, `cassandra`). */
    readonly sink: string,
  ) {}

  async measure<R extends WriteCounts>(write: () => Promise<R>): Promise<R> {
    const end = this.metrics.writeSeconds.startTimer({ sink: this.sink });
    let result: R;
    try {
      result = await write();
    } catch (err) {
      this.metrics.writeErrors.inc({ sink: this.sink, code: errorCode(err) });
      throw err;
    } finally {
      end();
    }
    let total = 0;
    for (const table in result.rows) {
      const n = result.rows[table]!;
      this.metrics.rowsWritten.inc({ sink: this.sink, table }, n);
      total += n;
    }
    this.metrics.batchSize.observe({ sink: this.sink }, total);
    return result;
  }
}
