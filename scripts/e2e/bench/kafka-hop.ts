import { setTimeout as sleep } from 'node:timers/promises';
import { logLevel } from 'kafkajs';
import { newKafkaClient } from '@retail-stream/runtime';
import {
  createTestTopic,
  deleteTestTopic,
  summarize,
  type LatencySummary,
} from '@retail-stream/runtime/testing';

/**
 * The floor of the end-to-end latency on this broker, measured in the same run: one plain kafkajs
 * produce → consume hop (acks all, default linger), at a low rate. A sale crosses two such hops
 * (raw, enriched) plus the relay's and the sinks' own work, so its latency divided by this hop's
 * is the ratio the benchmark reports.
 */
export async function measureKafkaHop(
  brokers: string[],
  messages = 300,
  perSecond = 100,
): Promise<LatencySummary> {
  const topic = await createTestTopic(brokers, 'e2e-bench-hop', 1);
  const kafka = newKafkaClient({ clientId: 'e2e-bench-hop', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `${topic}-g`, sessionTimeout: 10_000 });
  const latencies: number[] = [];
  try {
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const sent = Number(message.value!.toString());
        // The warm-up record (sent before the group joined) carries 0.
        if (sent > 0) latencies.push(Date.now() - sent);
      },
    });
    await producer.send({ topic, acks: -1, messages: [{ value: '0' }] });
    for (const deadline = Date.now() + 30_000; !joined && Date.now() < deadline;) await sleep(100);
    await sleep(500);
    const t0 = Date.now();
    for (let i = 0; i < messages; i++) {
      const wait = t0 + (i * 1000) / perSecond - Date.now();
      if (wait > 0) await sleep(wait);
      await producer.send({ topic, acks: -1, messages: [{ value: String(Date.now()) }] });
    }
    for (const deadline = Date.now() + 30_000; latencies.length < messages && Date.now() < deadline;)
      await sleep(50);
    return summarize(latencies);
  } finally {
    await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
    await deleteTestTopic(brokers, 'e2e-bench-hop-admin', topic).catch(() => undefined);
  }
}
