import {
  isRetriable,
  produceRequests,
  TransientError,
  TRANSACTIONAL_PRODUCER_RETRY,
  type ConsumedBatch,
  type RetriableCode,
  javaCompatiblePartitioner,
} from '@retail-stream/runtime';
import { type Kafka, type Producer, type TopicMessages } from 'kafkajs';

/** Below the broker's max request size (1 MiB by default), with room for headers. */
const MAX_REQUEST_BYTES = 768 * 1024;

/**
 * The transactional producer of one input partition. Its id is derived from group + topic +
 * partition, so whoever owns the partition next initialises the same id and fences this one
 * (kafkajs' sendOffsets has no KIP-447 generation check, so this is the zombie protection).
 * Connecting initialises the id, which also aborts the previous owner's open transaction.
 */
export async function connectPartitionProducer(
  kafka: Kafka,
  groupId: string,
  inputTopic: string,
  partition: number,
): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId: `${groupId}.${inputTopic}.${partition}`,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 60_000,
    createPartitioner: javaCompatiblePartitioner,
    retry: { ...TRANSACTIONAL_PRODUCER_RETRY },
  });
  await producer.connect();
  return producer;
}

/**
 * Outputs, changelog and (for an input batch) the consumed offset as one transaction; aborted on
 * any failure (the caller then forgets its state: it already holds what was not committed).
 */
export async function commitPartitionTransaction(
  producer: Producer,
  groupId: string,
  messages: TopicMessages[],
  input: { batch: ConsumedBatch; nextOffset: bigint } | undefined,
  phase: (name: string) => void = () => undefined,
): Promise<void> {
  let txn;
  try {
    txn = await producer.transaction();
    // Several produce requests per transaction keep each under the broker's max request size.
    for (const part of produceRequests(messages, MAX_REQUEST_BYTES)) {
      await txn.sendBatch({ topicMessages: part, acks: -1 });
    }
    phase('send');
    if (input) {
      const { batch, nextOffset } = input;
      await txn.sendOffsets({
        consumerGroupId: groupId,
        topics: [
          { topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset.toString() }] },
        ],
      });
      phase('offsets');
    }
    if (input?.batch.isStale())
      throw new TransientError('KPI_BATCH_STALE', 'partition revoked during the batch');
    await txn.commit();
    phase('commit');
  } catch (err) {
    await txn?.abort().catch(() => undefined);
    throw err;
  }
}

/** Retried by the runner: broker trouble keeps its own error, anything else gets `code`. */
export function toTransient(err: unknown, code: RetriableCode): Error {
  if (isRetriable(err)) return err as Error;
  return new TransientError(code, (err as Error).message ?? String(err));
}
