/**
 * The local Kafka seen through a second, independent client: kcat (librdkafka), the tool developers
 * reach for when debugging topics. Proves what the broker advertises is usable from outside Node and
 * that kafkajs and librdkafka agree on the data in both directions.
 */
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { serviceEnv } from '../service-env.ts';
import { kcatSecurityArgs } from './kcat-auth.ts';
import { ensureTopics, newKafkaClient } from '@retail-stream/runtime';

const env = serviceEnv();
const brokerList = env.KAFKA_BROKERS!;
// The admin principal when the stack runs with SASL, like the kafkajs side.
const kcatAuth = kcatSecurityArgs(env);
const brokers = brokerList.split(',');
const run = `${Date.now()}-${crypto.randomBytes(3).toString('hex')}`;
const topic = `smoke.kcat.${run}`;
const reverseTopic = `${topic}.from-kcat`;
// Failures reject the awaited kafkajs calls; its retry chatter would only clutter the output.
const kafka = newKafkaClient({
  clientId: `smoke-kcat-${run}`,
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3_000,
});

/** Runs kcat with optional stdin; rejects with its stderr so a failure says what librdkafka saw. */
function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', brokerList, ...kcatAuth, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`kcat ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim()}`));
    });
    child.stdin.end(input ?? '');
  });
}

interface KcatMetadata {
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number }> }>;
}

interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
}

let admin: Admin;
let producer: Producer;
let consumer: Consumer | undefined;
const produced = Array.from({ length: 20 }, (_, i) => ({ key: `sku-${i % 4}`, value: `price-change-${i}` }));

beforeAll(async () => {
  await promisify(execFile)('kcat', ['-V']).catch(() => {
    throw new Error('kcat is not installed; on Debian/Ubuntu: sudo apt-get install -y kcat');
  });
  admin = kafka.admin();
  producer = kafka.producer();
  try {
    await admin.connect();
    await producer.connect();
  } catch (err) {
    throw new Error(
      `Kafka is not reachable at ${brokerList} (${(err as Error).message}); start it with \`npm run infra:up -- kafka\``,
    );
  }
  await ensureTopics(brokers, [
    { topic, numPartitions: 3 },
    { topic: reverseTopic, numPartitions: 3 },
  ]);
  await producer.send({ topic, messages: produced });
});

afterAll(async () => {
  await consumer?.disconnect();
  await producer?.disconnect();
  await admin?.deleteTopics({ topics: [topic, reverseTopic] }).catch(() => undefined);
  await admin?.disconnect();
});

describe('kafka through kcat (librdkafka)', () => {
  it('lists broker metadata: every configured broker with its id, host and port, and the test topic', async () => {
    const meta = JSON.parse(await kcat(['-L', '-J', '-m', '10', '-t', topic])) as KcatMetadata;
    expect(meta.brokers.map((b) => b.name).sort()).toEqual([...brokers].sort());
    expect(meta.brokers.map((b) => b.id).sort((a, b) => a - b)).toEqual(brokers.map((_, i) => i + 1));
    const t = meta.topics.find((x) => x.topic === topic);
    expect(t?.partitions).toHaveLength(3);
    const ids = new Set(meta.brokers.map((b) => b.id));
    for (const p of t!.partitions) expect(ids.has(p.leader)).toBe(true);
  });

  it('consumes what kafkajs produced, keys and values intact', async () => {
    // -e: exit at the end of every partition, so no timeout or message count is needed.
    const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']);
    const messages = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as KcatMessage);
    expect(messages.map((m) => `${m.key}=${m.payload}`).sort()).toEqual(
      produced.map((m) => `${m.key}=${m.value}`).sort(),
    );
    // kafkajs's key partitioner put each key in one partition; kcat must report it there.
    for (const key of new Set(produced.map((m) => m.key))) {
      expect(new Set(messages.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1);
    }
  });

  it('kafkajs consumes what kcat produced', async () => {
    const lines = Array.from({ length: 6 }, (_, i) => `store-${i % 2}:sale-${i}`);
    await kcat(['-P', '-t', reverseTopic, '-K', ':'], `${lines.join('\n')}\n`);

    consumer = kafka.consumer({ groupId: `smoke-kcat-${run}`, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topic: reverseTopic, fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${got.length} of ${lines.length} messages arrived`)),
        20_000,
      );
      consumer!
        .run({
          eachMessage: async ({ message }) => {
            got.push(`${message.key?.toString()}:${message.value?.toString()}`);
            if (got.length >= lines.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    expect(got.sort()).toEqual([...lines].sort());
  });
});
