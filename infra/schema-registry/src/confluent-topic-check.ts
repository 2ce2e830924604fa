import type { AvroDeserializer, SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { readTopicRange } from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';

/**
 * Reads topics from the beginning to their current end and decodes every value with Confluent's
 * own JavaScript deserializer, as a data engineer's tool would (issue 15: "Confluent's official JS
 * client decodes every record the demo produced"). A bounded read by assignment: no consumer group
 * is created or left behind.
 */

export interface TopicDecodeReport {
  topic: string;
  /** False when the topic does not exist (nothing to read). */
  exists: boolean;
  decoded: number;
  /** Null values (compaction deletes): nothing to decode. */
  tombstones: number;
  /** Decoded records per writer record name (e.g. `retail.events.SaleRecorded`). */
  byRecord: Record<string, number>;
  failed: number;
  /** The first failures (partition, offset, schema id, the deserializer's message). */
  failures: { partition: number; offset: string; schemaId: number | undefined; error: string }[];
}

export interface TopicCheckOptions {
  kafka: Kafka;
  client: SchemaRegistryClient;
  deserializer: AvroDeserializer;
  topics: readonly string[];
  /** Failures kept per topic for the report (all are counted). Default 5. */
  keepFailures?: number;
}

export async function decodeTopicsWithConfluent(opts: TopicCheckOptions): Promise<TopicDecodeReport[]> {
  const admin = opts.kafka.admin();
  await admin.connect();
  let existing: Set<string>;
  try {
    existing = new Set(await admin.listTopics());
  } finally {
    await admin.disconnect();
  }
  const names = new Map<number, string>();
  const recordName = async (schemaId: number): Promise<string> => {
    let name = names.get(schemaId);
    if (name === undefined) {
      const info = await opts.client.getBySubjectAndId('', schemaId);
      const parsed = JSON.parse(info.schema) as { name?: string; namespace?: string };
      name =
        parsed.namespace && !parsed.name?.includes('.')
          ? `${parsed.namespace}.${parsed.name}`
          : String(parsed.name);
      names.set(schemaId, name);
    }
    return name;
  };

  const reports: TopicDecodeReport[] = [];
  for (const topic of opts.topics) {
    const report: TopicDecodeReport = {
      topic,
      exists: existing.has(topic),
      decoded: 0,
      tombstones: 0,
      byRecord: {},
      failed: 0,
      failures: [],
    };
    reports.push(report);
    if (!report.exists) continue;
    await readTopicRange({
      kafka: opts.kafka,
      topic,
      onBatch: async (partition, messages) => {
        for (const m of messages) {
          if (!m.value) {
            report.tombstones++;
            continue;
          }
          const schemaId = m.value.length >= 5 && m.value[0] === 0 ? m.value.readUInt32BE(1) : undefined;
          try {
            await opts.deserializer.deserialize(topic, m.value);
            const name = await recordName(schemaId!);
            report.byRecord[name] = (report.byRecord[name] ?? 0) + 1;
            report.decoded++;
          } catch (err) {
            report.failed++;
            if (report.failures.length < (opts.keepFailures ?? 5)) {
              report.failures.push({ partition, offset: m.offset, schemaId, error: (err as Error).message });
            }
          }
        }
      },
    });
  }
  return reports;
}
