import crypto from 'node:crypto';
import { logLevel } from 'kafkajs';
import { newKafkaClient } from '@retail-stream/runtime';

/** One committed record as the checker reads it back (headers as strings, value still encoded). */
export interface TopicRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

/**
 * Reads a topic from the beginning to its current end with a throwaway group (read_committed, so
 * aborted transactions never count), then deletes the group. "End" is the high watermark taken
 * first; transaction markers occupy offsets no record is delivered at, so a partition also counts
 * as read once nothing new arrived for `quietMs`.
 */
export async function readTopicToEnd(
  brokers: string[],
  topic: string,
  opts: { quietMs?: number; timeoutMs?: number } = {},
): Promise<TopicRecord[]> {
  const kafka = newKafkaClient({ clientId: 'e2e-checker', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `e2e-checker-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
  const out: TopicRecord[] = [];
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const high = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    const low = new Map(offsets.map((o) => [o.partition, Number(o.low)]));
    const seen = new Map<number, number>();
    const done = () =>
      [...high].every(([p, h]) => h <= (low.get(p) ?? 0) || (seen.get(p) ?? -1) + 1 >= h - 1);
    if (done()) return out;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let lastAt = Date.now();
      let started = false;
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          started = true;
          lastAt = Date.now();
          const offset = Number(message.offset);
          if (offset >= (high.get(partition) ?? 0)) return;
          seen.set(partition, Math.max(seen.get(partition) ?? -1, offset));
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {}))
            headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
          out.push({
            partition,
            offset,
            timestamp: Number(message.timestamp),
            key: message.key?.toString() ?? '',
            headers,
            value: message.value ?? Buffer.alloc(0),
          });
        },
      });
      const quietMs = opts.quietMs ?? 4_000;
      const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
      const joinedAt = Date.now();
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out reading ${topic} to its end`);
        // Before the first record, allow for the group join; afterwards, quiet means the end.
        const quietSince = started ? lastAt : joinedAt + 10_000;
        if (Date.now() - quietSince > quietMs) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await consumer.disconnect();
    }
    await admin.deleteGroups([groupId]).catch(() => undefined);
    return out;
  } finally {
    await admin.disconnect();
  }
}
