import type { KafkaMessage, Message } from 'kafkajs';
import type { AvroSerde } from '../avro-serde.ts';
import type { ConsumedBatch } from '../consumer-runner.ts';
import { deadLetterOf, type DeadLetterReason } from '../dead-letter.ts';
import { AppError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { SinkMetrics } from '../sink-metrics.ts';
import type { AsyncCommits } from './async-commits.ts';
import { isolatePoison } from './isolate-poison.ts';
import type { SinkStore } from './sink-store.ts';
import { runnerErrorOf } from './write-failure.ts';
import { nowNs } from '../tracing/span.ts';
import { traceConsumedRecords } from '../tracing/record-trace.ts';

export interface SinkHandlerDeps<T> {
  /** The part's name, written as dlq.processor. */
  name: string;
  /** Value of the metrics' `sink` label. */
  label: string;
  store: SinkStore<T>;
  serde: AvroSerde;
  deadLetters: { send(messages: Message[]): Promise<void> };
  metrics: SinkMetrics;
  logger: Logger;
  /** How often a handler waiting for its write heart-beats (below the session timeout). */
  heartbeatMs?: number;
  /** For a pipelined store: where the handler hands its batch's write (commits once durable). */
  commits?: AsyncCommits;
}

/**
 * The one ConsumerRunner handler of every sink: decode each record and map it to an item (records
 * that can never be written are dead-lettered with their reason), write the items, and, when the
 * store refuses the data, isolate the refused records (isolate-poison.ts), dead-letter them with
 * the store's reason and write the rest. Returning means everything is durable (rows and dead
 * letters), so the runner commits; a retriable failure throws and the same records come again.
 */
export function createSinkHandler<T>(deps: SinkHandlerDeps<T>): (batch: ConsumedBatch) => Promise<void> {
  const { store, serde, metrics, logger, label } = deps;
  const everyMs = deps.heartbeatMs ?? 3_000;

  return async (batch) => {
    const startedNs = nowNs();
    const items: T[] = [];
    // sources[i] is the record items[i] came from (for its dead letter if the store refuses it).
    const sources: KafkaMessage[] = [];
    const dead: Message[] = [];
    const codes: string[] = [];
    const reject = (message: KafkaMessage, reason: DeadLetterReason) => {
      dead.push(deadLetterOf(batch, message, reason, deps.name));
      codes.push(reason.code);
    };

    for (const message of batch.messages) {
      try {
        if (!message.value) throw new ValidationError('EMPTY_VALUE', 'record has no value');
        const decoded = await serde.decode(message.value);
        items.push(store.toItem(decoded, message, batch));
        sources.push(message);
      } catch (err) {
        // Registry away → retry the batch; an error that is not an AppError is a bug → stop.
        if (!(err instanceof AppError) || err.retriable) throw err;
        reject(message, { code: err.code, message: err.message });
      }
    }

    const durable = () => writeAll(items, sources, dead, codes, batch, startedNs);
    if (deps.commits) {
      // Pipelined store: hand the write over and return; the offsets follow once it is durable.
      await deps.commits.room(batch);
      deps.commits.track(batch, durable);
      return;
    }
    await whileHeartbeating(durable(), batch, everyMs);
  };

  /**
   * Writes the items (isolating refused records) and sends the batch's dead letters: the decode
   * failures and the records the store refused. Safe to run again after a failure (a retry).
   */
  async function writeAll(
    items: T[],
    sources: KafkaMessage[],
    decodeDead: readonly Message[],
    decodeCodes: readonly string[],
    batch: ConsumedBatch,
    startedNs: bigint,
  ): Promise<void> {
    const dead = [...decodeDead];
    const codes = [...decodeCodes];
    const reject = (message: KafkaMessage, reason: DeadLetterReason) => {
      dead.push(deadLetterOf(batch, message, reason, deps.name));
      codes.push(reason.code);
    };
    if (items.length > 0) {
      try {
        await store.write(items, batch);
      } catch (err) {
        const failure = store.classify(err);
        if (failure.kind !== 'poison') throw runnerErrorOf(err, failure);
        logger.warn(
          { err, topic: batch.topic, partition: batch.partition, records: items.length },
          'batch refused by the store: isolating the refused records',
        );
        const writeAlone = store.writeAlone ?? store.write;
        const known = store.writeAlone ? undefined : { code: failure.code, message: (err as Error).message };
        const poison = await isolatePoison(
          items,
          (part) => writeAlone.call(store, part, batch),
          store.classify,
          known,
        );
        for (const p of poison) reject(sources[p.index]!, p.reason);
      }
    }

    if (dead.length > 0) {
      await deps.deadLetters.send(dead);
      for (const code of codes) metrics.deadLetters.inc({ sink: label, code });
      logger.warn(
        { topic: batch.topic, partition: batch.partition, count: dead.length, codes: [...new Set(codes)] },
        'records dead-lettered',
      );
    }
    // Durable now. Only when spans are exported or at debug: a span and a debug line per record, in
    // the record's trace (dead letters keep the record's traceparent header: dead-letter.ts).
    const span = { service: deps.name, name: `${label} write`, startNs: startedNs, logger };
    traceConsumedRecords(batch.topic, batch.partition, batch.messages, span);
  }
}

async function whileHeartbeating<R>(work: Promise<R>, batch: ConsumedBatch, everyMs: number): Promise<R> {
  const timer = setInterval(() => void batch.heartbeat().catch(() => undefined), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
