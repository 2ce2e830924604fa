import { ensureTopics, TransientError } from '@retail-stream/runtime';
import type { Admin, ITopicConfig } from 'kafkajs';
import type { IngestConfig } from './config.ts';

const COMPACTED = [{ name: 'cleanup.policy', value: 'compact' }];

/**
 * Creates the processor's topics that are missing. Existing topics keep their partition counts
 * (ensureTopics would wait for the counts asked). The dedup changelog needs a partition per input
 * partition (partition p's state lives in changelog partition p); fewer is a deployment error.
 */
export async function ensureIngestTopics(c: IngestConfig, admin: Admin): Promise<void> {
  const ensureMissing = async (topics: ITopicConfig[]) => {
    const existing = new Set(await admin.listTopics());
    await ensureTopics(
      c.KAFKA_BROKERS,
      topics.filter((t) => !existing.has(t.topic)),
    );
  };
  await ensureMissing([{ topic: c.INGEST_INPUT_TOPIC, numPartitions: c.INGEST_TOPIC_PARTITIONS }]);
  const inputPartitions = (await admin.fetchTopicOffsets(c.INGEST_INPUT_TOPIC)).length;
  await ensureMissing([
    { topic: c.INGEST_OUTPUT_TOPIC, numPartitions: c.INGEST_TOPIC_PARTITIONS },
    { topic: c.INGEST_DLQ_TOPIC, numPartitions: c.INGEST_TOPIC_PARTITIONS },
    { topic: c.INGEST_ALERTS_TOPIC, numPartitions: 1 },
    ...(c.INGEST_DUPLICATES_TOPIC === ''
      ? []
      : [{ topic: c.INGEST_DUPLICATES_TOPIC, numPartitions: c.INGEST_TOPIC_PARTITIONS }]),
    { topic: c.INGEST_STATE_TOPIC, numPartitions: inputPartitions, configEntries: COMPACTED },
    { topic: c.INGEST_REF_STORES_TOPIC, numPartitions: 1, configEntries: COMPACTED },
    { topic: c.INGEST_REF_PRODUCTS_TOPIC, numPartitions: 1, configEntries: COMPACTED },
    { topic: c.INGEST_STORE_EPOCHS_TOPIC, numPartitions: 1, configEntries: COMPACTED },
  ]);
  const statePartitions = (await admin.fetchTopicOffsets(c.INGEST_STATE_TOPIC)).length;
  if (statePartitions < inputPartitions) {
    throw new TransientError(
      'STATE_TOPIC_TOO_SMALL',
      `${c.INGEST_STATE_TOPIC} has ${statePartitions} partitions; ${c.INGEST_INPUT_TOPIC} has ${inputPartitions}`,
    );
  }
}
