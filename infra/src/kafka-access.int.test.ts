/**
 * Kafka authentication and least privilege (issue 13), attacked against the running broker: an
 * unauthenticated client, a wrong password, and each role reaching for a topic, group or
 * transactional id that kafka-principals.ts does not give it. Every refusal is checked together
 * with "nothing changed" (end offsets, committed group offsets); each role's own work must pass.
 * Runs against whatever clientEnv() gives; a stack without SASL fails here on purpose.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { logLevel, type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics, kafkaSecurityFromEnv, newKafkaClient } from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { kafkaPrincipalEnv, loadInfraConfig } from './infra-config.ts';
import { serviceEnv } from './service-env.ts';
import { kcatSecurityArgs } from './smoke/kcat-auth.ts';

const env = serviceEnv();
const cfg = loadInfraConfig();
const brokers = env.KAFKA_BROKERS!.split(',');
const run = `acl${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`;
/** Suffixed like an isolated end-to-end run, so each role's PREFIXED grant covers them. */
const t = {
  raw: `${TOPICS.posEvents}.${run}`,
  enriched: `${TOPICS.enrichedEvents}.${run}`,
  kpi: `${TOPICS.kpiWindows}.${run}`,
};

/**
 * What the broker said, as kafkajs logged it: kafkajs reports a refused FindCoordinator (group or
 * transactional id) only as "Failed to find group coordinator", the broker's reason is in its debug log.
 */
const brokerSaid: string[] = [];

/** A client of one principal; few retries, so a refusal surfaces quickly (authorization errors are not retried). */
function as(principal: string, password?: string, retries = 2): Kafka {
  const creds = kafkaPrincipalEnv(cfg, principal);
  return newKafkaClient(
    {
      clientId: `acl-test-${principal}`,
      brokers,
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry) => {
        const error = (entry.log as { error?: unknown }).error;
        if (error) brokerSaid.push(String((error as { type?: string }).type ?? error));
      },
      connectionTimeout: 3_000,
      retry: { retries, initialRetryTime: 200 },
    },
    kafkaSecurityFromEnv({ ...creds, ...(password ? { KAFKA_SASL_PASSWORD: password } : {}) }),
  );
}

/** The broker's reason, wherever kafkajs nested it (retry wrappers keep the first error as `cause`). */
async function refusal(action: () => Promise<unknown>): Promise<string> {
  brokerSaid.length = 0;
  try {
    await action();
  } catch (err) {
    const chain: string[] = [];
    for (
      let e = err as { type?: string; name?: string; cause?: unknown; originalError?: unknown } | undefined;
      e;
    ) {
      chain.push(e.type ?? e.name ?? '');
      e = (e.cause ?? e.originalError) as typeof e;
    }
    return `${chain.join(' <- ')} | broker: ${[...new Set(brokerSaid)].join(', ')}`;
  }
  return 'ALLOWED';
}

let admin: Admin;
const endOffsets = async (topic: string) =>
  (await admin.fetchTopicOffsets(topic)).map((p) => `${p.partition}:${p.high}`).join(',');
const committed = async (groupId: string, topic: string) =>
  JSON.stringify(await admin.fetchOffsets({ groupId, topics: [topic] }));

beforeAll(async () => {
  if (!env.KAFKA_SASL_USERNAME) {
    throw new Error(
      `Kafka at ${env.KAFKA_BROKERS} runs without SASL (no ${cfg.RS_DATA_DIR}/kafka/*/security.json); ` +
        'switch it: npm run infra:down -- kafka && npm run infra:reset -- kafka && npm run infra:up',
    );
  }
  // The checks' own client retries: a fresh 3-node cluster still moves group coordinators (NOT_COORDINATOR).
  admin = as('admin', undefined, 8).admin();
  await admin.connect();
  // ensureTopics waits until every broker serves them (KRaft brokers learn a new topic apart).
  await ensureTopics(
    brokers,
    Object.values(t).map((topic) => ({ topic, numPartitions: 1 })),
    30_000,
    kafkaSecurityFromEnv(kafkaPrincipalEnv(cfg, 'admin')),
  );
  const p = as('admin').producer();
  await p.connect();
  await p.send({ topic: t.enriched, messages: [{ key: 's001', value: 'enriched-1' }] });
  await p.disconnect();
});

afterAll(async () => {
  await admin?.deleteTopics({ topics: Object.values(t) }).catch(() => undefined);
  await admin?.deleteGroups([`postgres-sink.${run}`, `clickhouse-sink.${run}`]).catch(() => undefined);
  await admin?.disconnect();
});

describe('authentication', () => {
  it('refuses a client without SASL, and it writes nothing', async () => {
    const before = await endOffsets(t.raw);
    const anonymous = newKafkaClient(
      {
        clientId: 'acl-test-anonymous',
        brokers,
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3_000,
        retry: { retries: 0 },
      },
      kafkaSecurityFromEnv({}),
    );
    const p = anonymous.producer();
    const why = await refusal(async () => {
      await p.connect();
      await p.send({ topic: t.raw, messages: [{ key: 's001', value: 'forged' }] });
    });
    await p.disconnect().catch(() => undefined);
    // The SASL listener closes a connection that skips the handshake.
    expect(why).toContain('KafkaJSConnectionClosedError');
    expect(await endOffsets(t.raw)).toBe(before);
  });

  it('refuses a wrong password', async () => {
    const why = await refusal(() => as('store-relay', 'not-the-password').admin().connect());
    expect(why).toContain('KafkaJSSASLAuthenticationError');
  });
});

describe('each role is refused what it was not granted, and nothing changes', () => {
  it('a store relay cannot read the enriched topic', async () => {
    const c = as('store-relay').consumer({ groupId: `store-relay.${run}` });
    const why = await refusal(async () => {
      await c.connect();
      await c.subscribe({ topics: [t.enriched], fromBeginning: true });
      await c.run({ eachMessage: async () => undefined });
    });
    await c.disconnect().catch(() => undefined);
    expect(why).toMatch(/TOPIC_AUTHORIZATION_FAILED|GROUP_AUTHORIZATION_FAILED/);
    expect(await refusal(() => as('store-relay').admin().fetchTopicOffsets(t.enriched))).toContain(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });

  it('a sink cannot write the raw topic', async () => {
    const before = await endOffsets(t.raw);
    const p = as('postgres-sink').producer();
    const why = await refusal(async () => {
      await p.connect();
      await p.send({ topic: t.raw, messages: [{ key: 's001', value: 'forged sale' }] });
    });
    await p.disconnect();
    expect(why).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(await endOffsets(t.raw)).toBe(before);
  });

  it('ingest cannot write the KPI topics', async () => {
    const before = await endOffsets(t.kpi);
    const p = as('ingest').producer();
    const why = await refusal(async () => {
      await p.connect();
      await p.send({ topic: t.kpi, messages: [{ key: 'chain', value: 'forged window' }] });
    });
    await p.disconnect();
    expect(why).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(await endOffsets(t.kpi)).toBe(before);
  });

  it("a sink cannot join another sink's consumer group", async () => {
    const victim = `postgres-sink.${run}`;
    const before = await committed(victim, t.enriched);
    const c = as('clickhouse-sink').consumer({ groupId: victim });
    let consumed = 0;
    const why = await refusal(async () => {
      await c.connect();
      await c.subscribe({ topics: [t.enriched], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        c.on(c.events.CRASH, (e) => reject((e.payload as { error: Error }).error));
        void c.run({ eachMessage: async () => void consumed++ }).catch(reject);
        setTimeout(resolve, 8_000);
      });
    });
    await c.disconnect().catch(() => undefined);
    expect(why).toContain('GROUP_AUTHORIZATION_FAILED');
    expect(consumed).toBe(0);
    expect(await committed(victim, t.enriched)).toBe(before);
  });

  it("a principal cannot use another role's transactional id", async () => {
    const before = await endOffsets(t.kpi);
    const p = as('kpi-windows').producer({
      transactionalId: `ingest-processor-${run}-0`,
      maxInFlightRequests: 1,
      retry: { retries: 3 },
      idempotent: true,
    });
    const why = await refusal(() => p.connect().then(() => p.transaction()));
    await p.disconnect().catch(() => undefined);
    expect(why).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
    expect(await endOffsets(t.kpi)).toBe(before);
  });
});

describe('each role can do its own work', () => {
  it('ingest produces transactionally to the enriched topic', async () => {
    const p = as('ingest').producer({
      transactionalId: `ingest-processor-${run}-0`,
      maxInFlightRequests: 1,
      retry: { retries: 3 },
      idempotent: true,
    });
    await p.connect();
    const txn = await p.transaction();
    await txn.send({ topic: t.enriched, messages: [{ key: 's002', value: 'enriched-by-ingest' }] });
    await txn.commit();
    await p.disconnect();
    const values = await readAll(as('postgres-sink'), `postgres-sink.${run}`, t.enriched, 2);
    expect(values).toEqual(['enriched-1', 'enriched-by-ingest']);
  });

  it("the dashboard reads a sink group's lag and topic sizes, but not one record", async () => {
    const dash = as('dashboard').admin();
    await dash.connect();
    try {
      expect((await dash.fetchTopicOffsets(t.enriched)).map((p) => Number(p.high) > 0)).toEqual([true]);
      const lag = await dash.fetchOffsets({ groupId: `postgres-sink.${run}`, topics: [t.enriched] });
      expect(lag[0]!.topic).toBe(t.enriched);
    } finally {
      await dash.disconnect();
    }
    const c = as('dashboard').consumer({ groupId: `postgres-sink.${run}` });
    let consumed = 0;
    const why = await refusal(async () => {
      await c.connect();
      await c.subscribe({ topics: [t.enriched], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        c.on(c.events.CRASH, (e) => reject((e.payload as { error: Error }).error));
        void c.run({ eachMessage: async () => void consumed++ }).catch(reject);
        setTimeout(resolve, 8_000);
      });
    });
    await c.disconnect().catch(() => undefined);
    expect(why).toMatch(/GROUP_AUTHORIZATION_FAILED|TOPIC_AUTHORIZATION_FAILED/);
    expect(consumed).toBe(0);
  });

  it('a store relay writes the raw topic', async () => {
    const before = Number((await admin.fetchTopicOffsets(t.raw))[0]!.high);
    const p = as('store-relay').producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
    await p.connect();
    await p.send({ topic: t.raw, messages: [{ key: 's001', value: 'sale' }] });
    await p.disconnect();
    expect(Number((await admin.fetchTopicOffsets(t.raw))[0]!.high)).toBe(before + 1);
  });

  it('kcat (librdkafka) as the relay: writes raw, refused on enriched', async () => {
    const relay = kcatSecurityArgs(kafkaPrincipalEnv(cfg, 'store-relay'));
    const kcat = (topic: string) => {
      const done = promisify(execFile)(
        'kcat',
        ['-b', brokers.join(','), ...relay, '-P', '-t', topic, '-k', 's001'],
        {
          timeout: 20_000,
        },
      );
      done.child.stdin?.end('sale-from-kcat\n');
      return done.then(
        () => 'ok',
        (e: { stderr?: string }) => e.stderr ?? 'failed',
      );
    };
    const rawBefore = Number((await admin.fetchTopicOffsets(t.raw))[0]!.high);
    const enrichedBefore = await endOffsets(t.enriched);
    expect(await kcat(t.raw)).toBe('ok');
    expect(await kcat(t.enriched)).toMatch(/authoriz/i);
    expect(Number((await admin.fetchTopicOffsets(t.raw))[0]!.high)).toBeGreaterThan(rawBefore);
    expect(await endOffsets(t.enriched)).toBe(enrichedBefore);
  });
});

/** Reads `count` committed records with the principal's own consumer group. */
async function readAll(kafka: Kafka, groupId: string, topic: string, count: number): Promise<string[]> {
  const c = kafka.consumer({ groupId });
  const values: string[] = [];
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${values.length} of ${count} records`)), 20_000);
    void c.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (values.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await c.disconnect();
  return values;
}
