import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLevel } from 'kafkajs';
import { newKafkaClient } from '@retail-stream/runtime';
import {
  createTestTopic,
  deleteTestTopics,
  TestProducer,
  testEndpoints,
  uniqueName,
  waitFor,
} from '@retail-stream/runtime/testing';
import { kafkaToolCommand, runKafkaTool } from './kafka-tools.ts';
import { serviceEnv } from './service-env.ts';

/**
 * Kafka's own command-line tools (the broker version's jars) against the local stack, with its
 * authentication: what a data engineer pastes from Kafka's documentation must work on our topics
 * and consumer groups. Records and offsets are produced and committed by kafkajs, read by the tools.
 */
const env = serviceEnv();
const { brokers } = testEndpoints(env);
const group = uniqueName('cli-tools-group');
const sent = Array.from({ length: 10 }, (_, i) => ({ key: `store_${i % 3}`, value: `record-${i}` }));
let topic: string;

async function committedOffsets(): Promise<number[]> {
  const admin = newKafkaClient({ clientId: 'cli-tools-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return t!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  // A fresh machine resolves the tools' jars from Maven Central here (≈ 30 s), not inside a test's timeout.
  (await kafkaToolCommand('kafka-topics', [], env)).cleanup();
  topic = await createTestTopic(brokers, 'cli-tools', 2);
  const producer = await TestProducer.connect(brokers);
  await producer.send(topic, sent);
  await producer.close();
  // A real group commits every record, then leaves: offsets a tool can describe and reset.
  const consumer = newKafkaClient({
    clientId: 'cli-tools-test',
    brokers,
    logLevel: logLevel.NOTHING,
  }).consumer({
    groupId: group,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await consumer.run({ eachMessage: async () => void seen++ });
  await waitFor(() => seen === sent.length, { timeoutMs: 30_000, what: 'the group to consume every record' });
  await waitFor(async () => (await committedOffsets()).reduce((a, b) => a + b, 0) === sent.length, {
    timeoutMs: 30_000,
    what: 'the commits',
  });
  await consumer.disconnect();
});

afterAll(async () => {
  await deleteTestTopics(brokers, [topic]);
});

describe("Kafka's command-line tools against the local stack", () => {
  it('kafka-consumer-groups --describe shows the offsets the group committed and no lag', async () => {
    const { stdout } = await runKafkaTool('kafka-consumer-groups', ['--describe', '--group', group], env);
    const rows = stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((cols) => cols[1] === topic);
    expect(rows).toHaveLength(2);
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG …
    const current = rows.map((c) => Number(c[3]));
    expect(current.reduce((a, b) => a + b, 0)).toBe(sent.length);
    expect(rows.map((c) => c[3])).toEqual(rows.map((c) => c[4]));
    expect(rows.map((c) => c[5])).toEqual(['0', '0']);
  });

  it('kafka-consumer-groups --reset-offsets: --dry-run changes nothing, --execute rewinds the group', async () => {
    const before = await committedOffsets();
    const reset = ['--reset-offsets', '--group', group, '--topic', topic, '--to-earliest'];
    const dry = await runKafkaTool('kafka-consumer-groups', [...reset, '--dry-run'], env);
    expect(dry.stdout).toContain(topic);
    expect(await committedOffsets()).toEqual(before);

    await runKafkaTool('kafka-consumer-groups', [...reset, '--execute'], env);
    expect(await committedOffsets()).toEqual([0, 0]);
  });

  it('kafka-console-consumer prints every record with its key', async () => {
    const { stdout } = await runKafkaTool(
      'kafka-console-consumer',
      [
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        String(sent.length),
        '--timeout-ms',
        '30000',
        '--property',
        'print.key=true',
        '--property',
        'key.separator=|',
      ],
      env,
    );
    const lines = stdout.trim().split('\n').sort();
    expect(lines).toEqual(sent.map((m) => `${m.key}|${m.value}`).sort());
  });
});
