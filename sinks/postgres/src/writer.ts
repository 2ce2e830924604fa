import {
  counter,
  isRetriable,
  rawSourceOf,
  storeEpochOf,
  type ConsumedBatch,
  type Decoded,
} from '@retail-stream/runtime';
import type { SinkSpec, SinkStore, WriteFailure } from '@retail-stream/runtime/sink-kit';
import type { KpiWindowUpdated } from '@retail-stream/schemas';
import type { KafkaMessage } from 'kafkajs';
import { applyKpis, applyStoreEvents, inTransaction, type WriteResult } from './batch-writer.ts';
import type { SinkConfig } from './config.ts';
import { CrossStoreEventError } from './cross-store-ids.ts';
import { hqPool, prepareDatabase } from './db.ts';
import type { SourcedEvent } from './event-rows.ts';
import { PgDataError } from './pg-errors.ts';
import { kpiWindowOf, storeEventOf } from './records.ts';

export const SINK_NAME = 'postgres-sink';
/** Value of the shared sink metrics' `sink` label. */
export const SINK_LABEL = 'postgres';

/** An enriched event with where it was read (the inbox keeps it), or a KPI window. */
export type PgSinkItem = SourcedEvent | KpiWindowUpdated;

/**
 * Postgres refused the data (classes 22/23) or the event names another store's event id → poison;
 * away or busy → retriable; else a bug.
 */
export function classifyPgWrite(err: unknown): WriteFailure {
  if (err instanceof PgDataError) return { kind: 'poison', code: 'PG_DATA_REJECTED' };
  if (err instanceof CrossStoreEventError) return { kind: 'poison', code: err.code };
  return isRetriable(err) ? { kind: 'retriable' } : { kind: 'bug' };
}

/**
 * The Postgres HQ sink for the kit: each Kafka batch in one transaction (store events through the
 * inbox, KPI windows by revision), on a pool whose sessions see the sink's schema.
 */
export function postgresSinkSpec(config: SinkConfig): SinkSpec<PgSinkItem> {
  const kpiTopic = config.SINK_KPI_TOPIC;
  const method = config.SINK_INSERT_METHOD;
  return {
    name: SINK_NAME,
    label: SINK_LABEL,
    topics: [config.SINK_EVENTS_TOPIC, kpiTopic],
    config,
    async open({ logger, meter, metrics, registry }): Promise<SinkStore<PgSinkItem>> {
      const pool = hqPool(config.PG_URL, config.HQ_PG_SCHEMA, {
        max: config.PG_POOL_MAX,
        connectionTimeoutMillis: config.PG_CONNECT_TIMEOUT_MS,
        statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
        applicationName: SINK_NAME,
      });
      try {
        await prepareDatabase(pool, config.HQ_PG_SCHEMA, logger);
      } catch (err) {
        await pool.end();
        throw err;
      }
      // A sink that keeps taking the merged path on live traffic is redelivering or replaying.
      const batches = counter(
        registry,
        'retail_sink_pg_batches_total',
        'Store-event batches written, by path: fresh (every event new, rows COPYed straight in) or merged (the inbox decided)',
        ['sink', 'path'],
      );
      return {
        toItem(decoded: Decoded, message: KafkaMessage, batch: ConsumedBatch): PgSinkItem {
          if (batch.topic === kpiTopic) return kpiWindowOf(decoded);
          return {
            event: storeEventOf(decoded),
            partition: batch.partition,
            offset: message.offset,
            timestamp: Number(message.timestamp),
            raw: rawSourceOf(message.headers),
            epoch: storeEpochOf(message.headers),
          };
        },
        async write(items, batch) {
          const isKpi = batch.topic === kpiTopic;
          const result: WriteResult = await meter.measure(() =>
            inTransaction(pool, (c) =>
              isKpi
                ? applyKpis(c, items as KpiWindowUpdated[], method)
                : applyStoreEvents(c, items as SourcedEvent[], method),
            ),
          );
          const labels = { sink: SINK_LABEL, topic: batch.topic };
          metrics.applied.inc(labels, result.applied);
          metrics.duplicates.inc(labels, result.duplicates);
          if (result.path) batches.inc({ sink: SINK_LABEL, path: result.path });
        },
        classify: classifyPgWrite,
        close: () => pool.end(),
      };
    },
  };
}
