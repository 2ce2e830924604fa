import {
  AppError,
  deadLetterOf,
  type AvroSerde,
  type ConsumedBatch,
  type Logger,
} from '@retail-stream/runtime';
import type { Message, Producer } from 'kafkajs';
import type { BatchWriter } from './batch-writer.ts';
import { recordRows } from './record-rows.ts';
import { appendRows, emptyTableRows } from './rows.ts';
import { SINK_NAME, type SinkMetrics } from './sink-metrics.ts';

export const PROCESSOR = 'clickhouse-sink';

export interface SinkHandlerDeps {
  serde: AvroSerde;
  writer: BatchWriter;
  producer: Producer;
  dlqTopic: string;
  logger: Logger;
  metrics: SinkMetrics;
  /** How often a handler waiting for its flush heart-beats (below the session timeout). */
  heartbeatMs?: number;
}

/**
 * The ConsumerRunner handler: records → rows (poison records → DLQ first), then waits until the
 * rows are in ClickHouse. Returning is the runner's signal to commit, so nothing is committed
 * before the rows up to that offset were acknowledged.
 */
export function createSinkHandler(deps: SinkHandlerDeps): (batch: ConsumedBatch) => Promise<void> {
  return async (batch) => {
    const rows = emptyTableRows();
    const dead: Message[] = [];
    for (const m of batch.messages) {
      try {
        appendRows(rows, await recordRows(deps.serde, m.value));
      } catch (err) {
        if (!(err instanceof AppError) || err.retriable) throw err;
        deps.metrics.deadLetters.inc({ sink: SINK_NAME, code: err.code });
        deps.logger.warn(
          {
            code: err.code,
            err: err.message,
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
          },
          'record dead-lettered',
        );
        dead.push(deadLetterOf(batch, m, { code: err.code, message: err.message }, PROCESSOR));
      }
    }
    if (dead.length > 0) await deps.producer.send({ topic: deps.dlqTopic, messages: dead, acks: -1 });
    await whileHeartbeating(deps.writer.submit(rows), batch, deps.heartbeatMs ?? 3_000);
  };
}

async function whileHeartbeating(work: Promise<void>, batch: ConsumedBatch, everyMs: number): Promise<void> {
  const timer = setInterval(() => void batch.heartbeat().catch(() => undefined), everyMs);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
}
