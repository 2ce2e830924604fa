import { logLevel } from 'kafkajs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serviceEnv } from '../../../infra/src/service-env.ts';
import { testTopics } from './kafka-test-topics.ts';
import { Teardowns } from './teardowns.ts';
import { testClickHouseDatabase } from './test-clickhouse-database.ts';
import { testPgDatabase } from './test-pg-database.ts';
import { testPgSchema } from './test-pg-schema.ts';
import { TestProducer } from './test-producer.ts';
import { TopicCollector } from './topic-collector.ts';
import { newKafkaClient } from '../kafka-security-config.ts';

const env = serviceEnv();
const BROKERS = env.KAFKA_BROKERS!.split(',');
const PG_URL = env.PG_URL!;

async function topicExists(name: string): Promise<boolean> {
  const admin = newKafkaClient({
    clientId: 'fixtures-test',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(name);
  } finally {
    await admin.disconnect();
  }
}

async function pgScalar(url: string, sql: string, params: unknown[] = []): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(sql, params)).rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

describe('test kit fixtures (real Kafka, Postgres, ClickHouse)', () => {
  it('testTopics: one topic per role with its partitions; a producer and collector use them; drop deletes all', async () => {
    const topics = await testTopics(BROKERS, 'kit', { events: 3, dlq: 1 });
    const teardowns = new Teardowns();
    try {
      expect(topics.events).toMatch(/^kit-events-/);
      expect(topics.all).toEqual([topics.events, topics.dlq]);
      const producer = teardowns.add(await TestProducer.connect(BROKERS), (p) => p.close());
      const collector = teardowns.add(await new TopicCollector(BROKERS, topics.events, 'kit').start(), (c) =>
        c.stop(),
      );
      await producer.send(
        topics.events,
        ['a', 'b', 'c', 'd'].map((key) => ({ key, value: key })),
        3,
      );
      await collector.waitForCount(4);
      expect(collector.messages.map((m) => m.value.toString()).sort()).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      await teardowns.run();
      await topics.drop();
    }
    expect(await topicExists(topics.events)).toBe(false);
    expect(await topicExists(topics.dlq)).toBe(false);
    // Dropping twice (a teardown after a failed one) is fine.
    await topics.drop();
  });

  it('testPgDatabase: a fresh database with a pool; drop() succeeds while a pool client is idle', async () => {
    const db = await testPgDatabase(PG_URL, { prefix: 'kit' });
    expect(db.name).toMatch(/^kit_/);
    await db.pool.query('CREATE TABLE t (id int)');
    // A second pool still holding an idle connection: the forced drop terminates it.
    const other = new pg.Pool({ connectionString: db.url, max: 1 });
    other.on('error', () => undefined);
    await other.query('SELECT 1');
    await db.drop();
    await other.end().catch(() => undefined);
    expect(
      await pgScalar(PG_URL, 'SELECT count(*)::int FROM pg_database WHERE datname = $1', [db.name]),
    ).toBe(0);
  });

  it('testPgDatabase with create: the package creates (and migrates) the database itself', async () => {
    const created: string[] = [];
    const db = await testPgDatabase(PG_URL, {
      prefix: 'kitc',
      create: async (adminUrl, name) => {
        created.push(name);
        await pgScalar(adminUrl, `CREATE DATABASE "${name}"`);
      },
    });
    try {
      expect(created).toEqual([db.name]);
      expect(await db.pool.query('SELECT current_database() AS d')).toMatchObject({ rows: [{ d: db.name }] });
    } finally {
      await db.drop();
    }
  });

  it('testPgSchema: names a schema the service creates; drop() removes it with its tables', async () => {
    const schema = testPgSchema(PG_URL, 'kit');
    await pgScalar(PG_URL, `CREATE SCHEMA ${schema.name}`);
    await pgScalar(PG_URL, `CREATE TABLE ${schema.name}.t (id int)`);
    await schema.drop();
    expect(
      await pgScalar(PG_URL, 'SELECT count(*)::int FROM pg_namespace WHERE nspname = $1', [schema.name]),
    ).toBe(0);
  });

  it('testClickHouseDatabase: migrate runs on the database; drop() removes it', async () => {
    const db = await testClickHouseDatabase(env.CLICKHOUSE_URL!, {
      prefix: 'kit',
      migrate: (client) =>
        client.command({ query: 'CREATE TABLE t (id UInt32) ENGINE = MergeTree ORDER BY id' }),
    });
    await db.client.insert({ table: 't', values: [{ id: 1 }, { id: 2 }], format: 'JSONEachRow' });
    const rs = await db.client.query({ query: 'SELECT count() AS n FROM t', format: 'JSONEachRow' });
    expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(2);
    await db.drop();
    const check = await fetch(
      `${env.CLICKHOUSE_URL}/?query=${encodeURIComponent(`SELECT count() FROM system.databases WHERE name = '${db.name}'`)}`,
    );
    expect((await check.text()).trim()).toBe('0');
  });
});
