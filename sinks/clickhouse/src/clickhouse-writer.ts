import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { WriteCounts, WriteMeter } from '@retail-stream/runtime/sink-kit';
import { toSinkError } from './clickhouse-errors.ts';
import { insertBodies, type EncodedRows } from './encoded-rows.ts';
import { rowBinaryInsert } from './row-binary.ts';
import { CH_TABLES, type Table } from './tables/all-tables.ts';

const INSERTS = new Map(CH_TABLES.map((t) => [t.table as Table, rowBinaryInsert(t)]));

/**
 * Inserts one flush: per table, RowBinary inserts of at most `maxRows` rows; tables in parallel.
 * Resolves only when ClickHouse acknowledged every insert. A partial failure leaves some tables
 * written; the retry writes them again and the ReplacingMergeTree keys collapse the copies.
 */
export class ClickhouseWriter {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly maxRows: number,
    private readonly meter: WriteMeter,
  ) {}

  write(rows: EncodedRows): Promise<WriteCounts> {
    return this.meter.measure(async () => {
      const counts: Record<string, number> = {};
      await Promise.all(
        [...rows].map(async ([table, parts]) => {
          let written = 0;
          for (const body of insertBodies(parts, this.maxRows)) {
            try {
              await this.insert(table, body.bytes);
            } catch (err) {
              throw toSinkError(err, `insert into ${table}`);
            }
            written += body.rows;
          }
          if (written > 0) counts[table] = written;
        }),
      );
      return { rows: counts };
    });
  }

  /**
   * The client's `insert` only takes JSON or text formats, so RowBinary goes through `exec` with
   * the bytes as the request body. wait_end_of_query (clickhouseClientOptions) makes the server
   * answer only once the insert is done, with an HTTP error if it failed; the empty response body
   * is drained so the keep-alive socket goes back to the pool.
   */
  private async insert(table: Table, bytes: Buffer): Promise<void> {
    const { stream } = await this.client.exec({
      query: INSERTS.get(table)!,
      values: Readable.from([bytes], { objectMode: false }),
    });
    stream.resume();
    await finished(stream);
  }
}
