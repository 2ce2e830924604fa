import {
  AppError,
  isStoreEpochId,
  LEGACY_STORE_EPOCH,
  storeEpochDecisionValue,
  type StoreEpochDecision,
} from '@retail-stream/runtime';
import { STORE_ID } from '@retail-stream/schemas';
import type { Admin, Kafka } from 'kafkajs';
import { usageError } from '../cli-kit/exit-codes.ts';

export interface EpochStartOptions {
  store: string;
  start: string;
  reason: string;
  topic: string;
}

/** The command line checked: a store id, a UUID epoch (not the implicit legacy one), a real reason. */
export function checkEpochStart(o: EpochStartOptions): void {
  if (!STORE_ID.test(o.store)) throw usageError(`--store ${o.store}: not a store id`);
  if (!isStoreEpochId(o.start) || o.start === LEGACY_STORE_EPOCH) {
    throw usageError(
      `--start ${o.start}: an epoch id is the UUID in the store.epoch header (retail dlq show --code STORE_EPOCH_UNAPPROVED)`,
    );
  }
  if (o.reason.trim().length < 3) throw usageError('--reason: say why the store starts a new epoch');
}

/**
 * Publishes the decision (JSON, key store_id) to the compacted store-epochs topic ingest follows;
 * ingest then accepts the epoch with a fresh sequence and refuses the store's previous one. The
 * topic is created (compacted, one partition) when missing, as ingest would at its start.
 */
export async function publishEpochStart(
  kafka: Kafka,
  admin: Admin,
  decision: StoreEpochDecision,
  topic: string,
): Promise<{ partition: number; offset: string }> {
  if (!(await admin.listTopics()).includes(topic)) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
  }
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: decision.store_id, value: storeEpochDecisionValue(decision) }],
    });
    if (!meta) throw new AppError('KAFKA_SEND_FAILED', `no acknowledgement from ${topic}`);
    return { partition: meta.partition, offset: meta.baseOffset ?? '' };
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}
