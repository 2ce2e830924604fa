import type { Admin, Kafka, Producer } from 'kafkajs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import { ConsumerRunner } from './consumer-runner.ts';
import { errorCode, TransientError } from './errors.ts';
import { createKafka } from './kafka-client.ts';
import { ensureTopics } from './kafka-topics.ts';
import { createLogger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';
import { kafkaConfig } from './service-config.ts';
import { uniqueName, waitFor } from './testing/index.ts';

const lines: Record<string, unknown>[] = [];
const logger = createLogger({
  service: 'unknown-error-test',
  level: 'warn',
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  }),
});
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let brokers: string[];

beforeAll(async () => {
  const cfg = kafkaConfig.parse({ KAFKA_BROKERS: serviceEnv().KAFKA_BROKERS });
  brokers = cfg.KAFKA_BROKERS;
  kafka = createKafka(cfg, 'unknown-error-test', logger);
  admin = kafka.admin();
  producer = kafka.producer({ idempotent: true });
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin?.disconnect(), producer?.disconnect()]);
});

async function topicWith(count: number): Promise<string> {
  const topic = uniqueName('unknown-err');
  await ensureTopics(brokers, [{ topic, numPartitions: 1 }]);
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ key: 'k', value: String(i) })),
  });
  return topic;
}

function runner(topic: string, groupId: string, handle: () => Promise<void>, onFatal: (e: unknown) => void) {
  return new ConsumerRunner({
    kafka,
    groupId,
    topics: [topic],
    logger,
    metrics: createMetricsRegistry('test', { defaultMetrics: false }),
    handle,
    onFatal,
    retry: { initialMs: 20, maxMs: 50 },
    maxUnknownErrorRetries: 3,
    sessionTimeoutMs: 10_000,
  });
}

describe('ConsumerRunner: an unknown error is retried a bounded number of times', () => {
  it('a bug wrapped as an outage stops the consumer after K retries, naming the error and the count, committing nothing', async () => {
    const topic = await topicWith(5);
    const groupId = uniqueName('g');
    let calls = 0;
    let fatal: unknown;
    const r = runner(
      topic,
      groupId,
      async () => {
        calls++;
        // What a sink classifier does with an error it cannot read: "store unavailable, retry".
        const bug = new TypeError("Cannot read properties of undefined (reading 'sku')");
        throw new TransientError('SINK_STORE_UNAVAILABLE', `writer: ${bug.message}`, bug);
      },
      (err) => (fatal = err),
    );
    await r.start();
    await waitFor(() => fatal, { what: 'onFatal', timeoutMs: 20_000 });
    await r.stop();
    expect(calls).toBe(4); // the first try + 3 retries
    expect(errorCode(fatal)).toBe('UNKNOWN_ERROR_LIMIT');
    expect((fatal as Error).message).toMatch(/unclassified error TypeError: Cannot read properties/);
    expect((fatal as Error).message).toMatch(/failed 4 times in a row \(MAX_UNKNOWN_ERROR_RETRIES=3\)/);
    const line = lines.find((l) => l.level === 'fatal');
    expect(line?.msg).toMatch(/unknown handler error retried 4 times/);
    expect(line?.code).toBe('UNKNOWN_ERROR_LIMIT');
    expect(r.isReady()).toBe(false);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets!.partitions.every((p) => Number(p.offset) <= 0)).toBe(true);
  });

  it('an outage (a coded connection error) is waited out past K retries, and the batch then commits', async () => {
    const topic = await topicWith(5);
    const groupId = uniqueName('g');
    let calls = 0;
    let fatal: unknown;
    const r = runner(
      topic,
      groupId,
      async () => {
        if (++calls <= 8) {
          const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
            code: 'ECONNREFUSED',
          });
          throw new TransientError('PG_UNAVAILABLE', 'postgres: connect ECONNREFUSED', refused);
        }
      },
      (err) => (fatal = err),
    );
    await r.start();
    await waitFor(
      async () => {
        const [o] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return Number(o!.partitions[0]!.offset) === 5;
      },
      { what: 'commit after the outage', timeoutMs: 20_000 },
    );
    await r.stop();
    expect(fatal).toBeUndefined();
    expect(calls).toBe(9);
  });
});
