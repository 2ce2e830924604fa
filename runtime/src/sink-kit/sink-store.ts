import type { KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Decoded } from '../avro-serde.ts';
import type { ConsumedBatch } from '../consumer-runner.ts';
import type { Logger } from '../logger.ts';
import type { SinkMetrics } from '../sink-metrics.ts';
import type { WriteFailureClassifier } from './write-failure.ts';
import type { WriteMeter } from './write-meter.ts';

/**
 * What a sink supplies to the kit: how a decoded record becomes an item, how items are written,
 * and what a failed write means. Everything else (consuming, decoding, dead letters, isolating
 * refused records, metrics, readiness, shutdown) is the kit's.
 */
export interface SinkStore<T> {
  /**
   * A decoded record → the item to write. Pure. Throws a ValidationError (or another
   * non-retriable AppError) when the record can never be written: it is dead-lettered with that code.
   */
  toItem(decoded: Decoded, message: KafkaMessage, batch: ConsumedBatch): T;
  /**
   * Writes the items of one Kafka batch (all of batch.topic/partition, in offset order) and
   * resolves once they are durable; the batch's offsets are committed after that. Must be
   * idempotent: after a retry or a restart the same items come again.
   */
  write(items: T[], batch: ConsumedBatch): Promise<unknown>;
  /**
   * For stores whose `write` shares one database write among several Kafka batches (ClickHouse's
   * group commit): a write of only these items, so a refusal can be pinned on them. Defaults to
   * `write`.
   */
  writeAlone?(items: T[], batch: ConsumedBatch): Promise<unknown>;
  /**
   * True for stores whose `write` joins a shared, timed database write (ClickHouse's group
   * commit): the kit then does not wait for it in the consumer. It hands the batch over, returns
   * (the next batches are fetched and decoded while the insert runs) and commits the batch's
   * offsets once its `write` resolved, in offset order per partition (async-commits.ts). A flush
   * interval then costs latency only, not throughput. `maxPendingBatches` and `maxPendingBytes`
   * (record key + value bytes) bound the batches handed over and not yet durable (memory: each
   * holds its items and its fetched records); beyond either the consumer waits, heart-beating.
   */
  pipelined?: { maxPendingBatches: number; maxPendingBytes: number };
  /** Failed write → retriable, poison (with the dead-letter code) or bug. */
  classify: WriteFailureClassifier;
  /** Releases connections; called after consumption stopped (nothing is in flight any more). */
  close(): Promise<void>;
}

/** What the kit hands a sink when it opens the store. */
export interface SinkContext {
  logger: Logger;
  registry: Registry;
  /** The shared sink metric family. */
  metrics: SinkMetrics;
  /** Wraps each real database write so its time, rows and errors are counted alike in every sink. */
  meter: WriteMeter;
  /** Aborted when the process shuts down (for connect-retry loops at startup). */
  signal: AbortSignal;
  /**
   * A background loop of the sink (not the consumer) hit a bug it must not retry forever: stop the
   * process. The sink service passes it; a one-shot tool (replay) may not, the loop then only stops.
   */
  onFatal?: (err: unknown) => void;
}
