import {
  deadLetterOf,
  errorCode,
  type AvroSerde,
  type ConsumedBatch,
  type Logger,
} from '@retail-stream/runtime';
import type { KafkaMessage, Producer } from 'kafkajs';
import type pg from 'pg';
import { applyKpis, applyStoreEvents, inTransaction, type WriteResult } from './batch-writer.ts';
import type { SourcedEvent } from './event-rows.ts';
import { PgDataError } from './pg-errors.ts';
import type { InsertMethod } from './unnest-insert.ts';
import { decodeKpi, decodeStoreEvent, type DecodeOutcome } from './record-decoder.ts';
import { SINK, type SinkMetrics } from './sink-metrics.ts';

export const PROCESSOR = 'postgres-sink';

export interface SinkTopics {
  events: string;
  kpi: string;
  dlq: string;
}

export interface SinkHandlerDeps {
  pool: pg.Pool;
  serde: AvroSerde;
  /** Idempotent producer for dead letters. */
  producer: Pick<Producer, 'send'>;
  topics: SinkTopics;
  metrics: SinkMetrics;
  logger: Logger;
  insertMethod?: InsertMethod;
}

interface Poison {
  message: KafkaMessage;
  code: string;
  text: string;
}

interface Good<T> {
  message: KafkaMessage;
  value: T;
}

/**
 * The ConsumerRunner handler: decode, write the batch in one Postgres transaction, dead-letter what
 * can never be written, return (the runner then commits the offsets). Postgres away → retriable
 * error out of here → the runner pauses and retries the same records. A record Postgres refuses
 * makes the batch fall back to one transaction per record, so only that record goes to the DLQ and
 * the partition keeps moving.
 */
export function createBatchHandler(deps: SinkHandlerDeps): (batch: ConsumedBatch) => Promise<void> {
  const { pool, serde, producer, topics, metrics, logger, insertMethod } = deps;

  async function run<T>(
    batch: ConsumedBatch,
    decode: (m: KafkaMessage) => Promise<DecodeOutcome<T>>,
    apply: (client: pg.ClientBase, items: Good<T>[]) => Promise<WriteResult>,
  ): Promise<void> {
    const labels = { sink: SINK, topic: batch.topic };
    const good: Good<T>[] = [];
    const poison: Poison[] = [];
    for (const message of batch.messages) {
      const d = await decode(message);
      if (d.ok) good.push({ message, value: d.value });
      else poison.push({ message, code: d.code, text: d.message });
    }
    const endTimer = metrics.writeSeconds.startTimer({ sink: SINK });
    const total: WriteResult = { applied: 0, duplicates: 0, rows: {} };
    const add = (r: WriteResult) => {
      total.applied += r.applied;
      total.duplicates += r.duplicates;
      for (const [table, n] of Object.entries(r.rows)) total.rows[table] = (total.rows[table] ?? 0) + n;
    };
    if (good.length > 0) {
      try {
        add(await inTransaction(pool, (c) => apply(c, good)));
      } catch (err) {
        if (!(err instanceof PgDataError)) {
          metrics.writeErrors.inc({ sink: SINK, code: errorCode(err) });
          throw err;
        }
        logger.warn(
          { err, topic: batch.topic, partition: batch.partition },
          'batch refused: one record at a time',
        );
        for (const item of good) {
          try {
            add(await inTransaction(pool, (c) => apply(c, [item])));
          } catch (one) {
            if (!(one instanceof PgDataError)) throw one;
            poison.push({ message: item.message, code: one.code, text: one.message });
          }
        }
      }
    }
    endTimer();
    if (poison.length > 0) {
      await producer.send({
        topic: topics.dlq,
        messages: poison.map((p) =>
          deadLetterOf(batch, p.message, { code: p.code, message: p.text }, PROCESSOR),
        ),
      });
      for (const p of poison) metrics.deadLetters.inc({ sink: SINK, code: p.code });
      logger.warn(
        {
          topic: batch.topic,
          partition: batch.partition,
          count: poison.length,
          codes: [...new Set(poison.map((p) => p.code))],
        },
        'records dead-lettered',
      );
    }
    metrics.applied.inc(labels, total.applied);
    metrics.duplicates.inc(labels, total.duplicates);
    let rows = 0;
    for (const [table, n] of Object.entries(total.rows)) {
      metrics.rowsWritten.inc({ sink: SINK, table }, n);
      rows += n;
    }
    metrics.batchSize.observe({ sink: SINK }, rows);
  }

  return async (batch) => {
    if (batch.topic === topics.kpi) {
      await run(
        batch,
        (m) => decodeKpi(serde, m),
        (c, items) =>
          applyKpis(
            c,
            items.map((i) => i.value),
            insertMethod,
          ),
      );
      return;
    }
    await run(
      batch,
      (m) => decodeStoreEvent(serde, m),
      (c, items) =>
        applyStoreEvents(
          c,
          items.map((i): SourcedEvent => ({
            event: i.value,
            partition: batch.partition,
            offset: i.message.offset,
          })),
          insertMethod,
        ),
    );
  };
}
