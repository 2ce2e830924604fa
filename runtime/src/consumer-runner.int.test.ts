import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../infra/src/service-env.ts';
import { ConsumerRunner, type ConsumedBatch } from './consumer-runner.ts';
import { TransientError, ValidationError } from './errors.ts';
import { createKafka } from './kafka-client.ts';
import { createLogger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';
import { ensureTopics } from './kafka-topics.ts';
import { kafkaConfig } from './service-config.ts';
import { uniqueName, waitFor } from './testing/index.ts';

const logger = createLogger({ service: 'consumer-runner-test', level: 'error' });
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let brokers: string[];

beforeAll(async () => {
  const cfg = kafkaConfig.parse({ KAFKA_BROKERS: serviceEnv().KAFKA_BROKERS });
  brokers = cfg.KAFKA_BROKERS;
  kafka = createKafka(cfg, 'runner-test', logger);
  admin = kafka.admin();
  producer = kafka.producer({ idempotent: true });
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin?.disconnect(), producer?.disconnect()]);
});

async function topicWith(count: number, partitions = 3): Promise<string> {
  const topic = uniqueName('runner');
  await ensureTopics(brokers, [{ topic, numPartitions: partitions }]);
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ key: `k${i % 7}`, value: String(i) })),
  });
  return topic;
}

async function committedTotal(groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

function runner(
  topic: string,
  groupId: string,
  handle: (b: ConsumedBatch) => Promise<void>,
  onFatal = (_e: unknown) => {},
) {
  const metrics = createMetricsRegistry('test', { defaultMetrics: false });
  const r = new ConsumerRunner({
    kafka,
    groupId,
    topics: [topic],
    logger,
    metrics,
    handle,
    onFatal,
    retry: { initialMs: 50, maxMs: 200 },
    sessionTimeoutMs: 10_000,
  });
  return { r, metrics };
}

describe('ConsumerRunner against the real broker', () => {
  it('hands every record over once and commits exactly up to what was handled', async () => {
    const topic = await topicWith(120);
    const groupId = uniqueName('g');
    const seen: string[] = [];
    const { r } = runner(topic, groupId, async (b) => {
      for (const m of b.messages) seen.push(m.value!.toString());
    });
    await r.start();
    await waitFor(() => seen.length >= 120, { what: '120 records' });
    await waitFor(async () => (await committedTotal(groupId, topic)) === 120, { what: 'commits' });
    await r.stop();
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  it('retries a retriable failure in place (paused, backing off) and loses nothing', async () => {
    const topic = await topicWith(60);
    const groupId = uniqueName('g');
    const durable: string[] = [];
    let failuresLeft = 4;
    const { r, metrics } = runner(topic, groupId, async (b) => {
      if (failuresLeft-- > 0) throw new TransientError('PG_UNAVAILABLE', 'database unavailable');
      for (const m of b.messages) durable.push(m.value!.toString());
    });
    await r.start();
    await waitFor(() => durable.length >= 60, { what: '60 durable records' });
    await waitFor(async () => (await committedTotal(groupId, topic)) === 60, { what: 'commits' });
    await r.stop();
    expect(new Set(durable).size).toBe(60);
    expect(durable).toHaveLength(60);
    const retries = (await metrics.getSingleMetric('retail_consumer_retries_total')!.get()).values;
    expect(retries.reduce((s, v) => s + v.value, 0)).toBe(4);
    expect(retries[0]!.labels.code).toBe('PG_UNAVAILABLE');
  });

  it('stops without committing on a non-retriable error; a restart re-reads the batch', async () => {
    const topic = await topicWith(10, 1);
    const groupId = uniqueName('g');
    let fatal: unknown;
    const first = runner(
      topic,
      groupId,
      async () => {
        throw new ValidationError('UNEXPECTED', 'handler bug');
      },
      (err) => (fatal = err),
    );
    await first.r.start();
    await waitFor(() => fatal, { what: 'onFatal' });
    expect(first.r.isReady()).toBe(false);
    await first.r.stop();
    expect(await committedTotal(groupId, topic)).toBe(0);

    const seen: string[] = [];
    const second = runner(topic, groupId, async (b) => {
      for (const m of b.messages) seen.push(m.value!.toString());
    });
    await second.r.start();
    await waitFor(() => seen.length >= 10, { what: 'redelivery' });
    await second.r.stop();
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
  });

  it('keeps per-key order and loses nothing when a member leaves mid-stream (rebalance)', async () => {
    const topic = await topicWith(0);
    const groupId = uniqueName('g');
    const seen = new Map<string, number[]>();
    const record = async (b: ConsumedBatch) => {
      for (const m of b.messages) {
        const key = m.key!.toString();
        seen.set(key, [...(seen.get(key) ?? []), Number(m.value!.toString())]);
      }
    };
    const a = runner(topic, groupId, record);
    const b = runner(topic, groupId, record);
    await Promise.all([a.r.start(), b.r.start()]);
    const total = 600;
    for (let i = 0; i < total; i += 50) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${(i + j) % 7}`, value: String(i + j) })),
      });
      if (i === 250) await b.r.stop();
    }
    await waitFor(() => new Set([...seen.values()].flat()).size >= total, {
      what: 'all records',
      timeoutMs: 45_000,
    });
    await waitFor(async () => (await committedTotal(groupId, topic)) === total, {
      what: 'commits',
      timeoutMs: 20_000,
    });
    await a.r.stop();
    const all = [...seen.values()].flat();
    expect(new Set(all).size).toBe(total);
    // Redelivery after a rebalance is allowed (at-least-once); reordering within a key is not.
    for (const [key, values] of seen) {
      const firstSeen = values.filter((v, i) => values.indexOf(v) === i);
      expect(firstSeen, `order of ${key}`).toEqual([...firstSeen].sort((x, y) => x - y));
    }
  });
});
