import type { ClickHouseClient } from '@clickhouse/client';
import type { WriteCounts, WriteMeter } from '@retail-stream/runtime/sink-kit';
import { toSinkError } from './clickhouse-errors.ts';
import { chunk } from './flush-policy.ts';
import type { TableRows } from './rows.ts';

/**
 * Inserts one flush: per table, JSONEachRow inserts of at most `maxRows` rows; tables in parallel.
 * Resolves only when ClickHouse acknowledged every insert. A partial failure leaves some tables
 * written; the retry writes them again and the ReplacingMergeTree keys collapse the copies.
 */
export class ClickhouseWriter {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly maxRows: number,
    private readonly meter: WriteMeter,
  ) {}

  write(rows: TableRows): Promise<WriteCounts> {
    return this.meter.measure(async () => {
      const counts: Record<string, number> = {};
      await Promise.all(
        [...rows].map(async ([table, list]) => {
          if (list.length === 0) return;
          for (const part of chunk(list, this.maxRows)) {
            try {
              await this.client.insert({ table, values: part, format: 'JSONEachRow' });
            } catch (err) {
              throw toSinkError(err, `insert into ${table}`);
            }
          }
          counts[table] = list.length;
        }),
      );
      return { rows: counts };
    });
  }
}
