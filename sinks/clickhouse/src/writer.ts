import type { ClickHouseClient } from '@clickhouse/client';
import type { SinkSpec, SinkStore } from '@retail-stream/runtime/sink-kit';
import { BatchWriter } from './batch-writer.ts';
import { connectClickhouse } from './clickhouse-connection.ts';
import { ClickhouseWriter } from './clickhouse-writer.ts';
import type { SinkConfig } from './config.ts';
import { appendEncoded, encodeRows, type EncodedRows } from './encoded-rows.ts';
import { checkLiveSchema } from './live-schema.ts';
import { ensureDatabase, migrate } from './migrator.ts';
import { decodedRows } from './record-rows.ts';
import { classifyClickhouseWrite } from './write-failures.ts';

export const SINK_NAME = 'clickhouse-sink';
/** Value of the shared sink metrics' `sink` label. */
export const SINK_LABEL = 'clickhouse';

function merged(items: EncodedRows[]): EncodedRows {
  const rows: EncodedRows = new Map();
  for (const r of items) appendEncoded(rows, r);
  return rows;
}

/**
 * The ClickHouse sink for the kit. Each record becomes rows (one table or several), encoded as
 * RowBinary at once (encoded-rows.ts); a Kafka batch's rows join the shared flush (BatchWriter:
 * group commit across the partitions handled at once) and the batch's write resolves once the
 * flush holding them landed. Before the first insert the live tables are checked against what the
 * sink sends (live-schema.ts), as RowBinary has no types on the wire. The store is pipelined: the
 * kit hands each batch over without waiting and commits its offsets asynchronously once that
 * flush landed (sink-kit/async-commits.ts), so the next batches are fetched and decoded while an
 * insert runs and offsets still never pass unwritten rows. When a flush is refused, each batch in
 * it is written on its own (writeAlone) to find whose rows ClickHouse refuses.
 */
export function clickhouseSinkSpec(config: SinkConfig): SinkSpec<EncodedRows> {
  return {
    name: SINK_NAME,
    label: SINK_LABEL,
    topics: [config.SINK_EVENTS_TOPIC, config.SINK_KPI_TOPIC],
    config,
    async open({ logger, meter }): Promise<SinkStore<EncodedRows>> {
      const client: ClickHouseClient = connectClickhouse(config, { maxOpenConnections: 16 });
      try {
        if (config.SINK_MIGRATE) {
          const admin = connectClickhouse(config, { database: 'default' });
          try {
            await ensureDatabase(admin, config.CLICKHOUSE_DATABASE);
          } finally {
            await admin.close();
          }
          const applied = await migrate(client);
          logger.info({ database: config.CLICKHOUSE_DATABASE, applied }, 'clickhouse schema up to date');
        }
        await checkLiveSchema(client);
      } catch (err) {
        await client.close();
        throw err;
      }
      const inserts = new ClickhouseWriter(client, config.SINK_MAX_BATCH_ROWS, meter);
      const flushes = new BatchWriter(
        {
          maxRows: config.SINK_MAX_BATCH_ROWS,
          intervalMs: config.SINK_FLUSH_INTERVAL_MS,
          maxInFlight: config.SINK_MAX_INFLIGHT_FLUSHES,
        },
        async (rows) => void (await inserts.write(rows)),
      );
      return {
        // The record type comes from the writer schema, not the topic (record-rows.ts). Rows are
        // encoded here, per record, so a value its column cannot hold dead-letters only its record.
        toItem: (decoded) => encodeRows(decodedRows(decoded as Parameters<typeof decodedRows>[0])),
        // The kit does not wait for the flush: it commits each batch once its flush landed.
        pipelined: {
          maxPendingBatches: config.SINK_MAX_PENDING_BATCHES,
          maxPendingBytes: config.SINK_MAX_PENDING_BYTES,
        },
        write: (items) => flushes.submit(merged(items)),
        writeAlone: (items) => inserts.write(merged(items)),
        classify: classifyClickhouseWrite,
        async close() {
          await flushes.close();
          await client.close();
        },
      };
    },
  };
}
