import type { ClickHouseClient } from '@clickhouse/client';
import { errorCode } from '@retail-stream/runtime';
import { toSinkError } from './clickhouse-errors.ts';
import { chunk } from './flush-policy.ts';
import type { TableRows } from './rows.ts';
import { SINK_NAME, type SinkMetrics } from './sink-metrics.ts';

/**
 * Inserts one flush: per table, JSONEachRow inserts of at most `maxRows` rows; tables in parallel.
 * Resolves only when ClickHouse acknowledged every insert. A partial failure leaves some tables
 * written; the retry writes them again and the ReplacingMergeTree keys collapse the copies.
 */
export class ClickhouseWriter {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly maxRows: number,
    private readonly metrics: SinkMetrics,
  ) {}

  async write(rows: TableRows): Promise<void> {
    const end = this.metrics.writeSeconds.startTimer({ sink: SINK_NAME });
    let total = 0;
    try {
      await Promise.all(
        [...rows].map(async ([table, list]) => {
          for (const part of chunk(list, this.maxRows)) {
            try {
              await this.client.insert({ table, values: part, format: 'JSONEachRow' });
            } catch (err) {
              throw toSinkError(err, `insert into ${table}`);
            }
            this.metrics.rowsWritten.inc({ sink: SINK_NAME, table }, part.length);
            total += part.length;
          }
        }),
      );
      this.metrics.batchSize.observe({ sink: SINK_NAME }, total);
    } catch (err) {
      this.metrics.writeErrors.inc({ sink: SINK_NAME, code: errorCode(err) });
      throw err;
    } finally {
      end();
    }
  }
}
