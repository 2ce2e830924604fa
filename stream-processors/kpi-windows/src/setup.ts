import { AppError, ensureTopics, type AvroSerde } from '@retail-stream/runtime';
import { lookupAll, registerAll } from '@retail-stream/schemas';
import type avro from 'avsc';
import type { Kafka } from 'kafkajs';
import type { KpiConfig } from './config.ts';

const DAY_MS = 86_400_000;

/**
 * Creates the service's topics when missing. The changelog needs a partition per input partition
 * (partition p's state lives in changelog partition p); a changelog with fewer partitions than the
 * input is a deployment error, reported instead of silently mis-restoring.
 */
export async function ensureKpiTopics(c: KpiConfig, kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [c.KPI_INPUT_TOPIC] }).catch(() => undefined);
    const inputPartitions = meta?.topics[0]?.partitions.length ?? 0;
    if (inputPartitions === 0) {
      throw new AppError('KPI_INPUT_MISSING', `input topic ${c.KPI_INPUT_TOPIC} does not exist`, {
        retriable: true,
      });
    }
    if (c.KPI_CREATE_TOPICS) {
      await ensureTopics(
        c.KAFKA_BROKERS,
        [
          { topic: c.KPI_OUTPUT_TOPIC, numPartitions: c.KPI_OUTPUT_PARTITIONS },
          { topic: c.KPI_LATE_TOPIC, numPartitions: c.KPI_OUTPUT_PARTITIONS },
          { topic: c.KPI_DLQ_TOPIC, numPartitions: c.KPI_OUTPUT_PARTITIONS },
          {
            topic: c.KPI_STORE_WINDOWS_TOPIC,
            numPartitions: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact,delete' },
              { name: 'retention.ms', value: String(3 * DAY_MS) },
            ],
          },
          {
            topic: c.KPI_CHANGELOG_TOPIC,
            numPartitions: inputPartitions,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        undefined,
        c,
      );
    }
    const cl = await admin.fetchTopicMetadata({ topics: [c.KPI_CHANGELOG_TOPIC] });
    const changelogPartitions = cl.topics[0]?.partitions.length ?? 0;
    if (changelogPartitions < inputPartitions) {
      throw new AppError(
        'KPI_CHANGELOG_TOO_SMALL',
        `${c.KPI_CHANGELOG_TOPIC} has ${changelogPartitions} partitions, the input ${inputPartitions}; add partitions to the changelog first`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}

/** Registry id and avsc type of KpiWindowUpdated (registered here only when configured to). */
export async function kpiSchema(c: KpiConfig, serde: AvroSerde): Promise<{ id: number; type: avro.Type }> {
  const opts = { registryUrl: c.SCHEMA_REGISTRY_URL };
  const ids = c.KPI_REGISTER_SCHEMAS ? await registerAll(serde, opts) : await lookupAll(opts);
  const id = ids.KpiWindowUpdated!;
  return { id, type: await serde.typeFor(id) };
}
