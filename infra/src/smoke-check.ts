#!/usr/bin/env tsx
/**
 * `npm run smoke`: one real round trip through each service's own client, printed as a table.
 * This is what the README's first command shows until the demo pipeline runs on top.
 */
import { createClient } from '@clickhouse/client';
import cassandra from 'cassandra-driver';
import pg from 'pg';
import {
  AvroSerde,
  createKafka,
  createLogger,
  ensureTopics,
  kafkaConfig,
  schemaRegistryConfig,
} from '@retail-stream/runtime';
import { clickhouseClientOptions } from '@retail-stream/runtime';
import { serviceEnv } from './service-env.ts';

const env = serviceEnv();
// kafkajs logs retried errors (a fresh broker's coordinator still loading) at error level; a real
// failure shows up as the check's own ✗ line with its message.
const logger = createLogger({ service: 'smoke-check', level: 'fatal' });

type Check = { name: string; run: () => Promise<string> };

const checks: Check[] = [
  {
    name: 'kafka',
    run: async () => {
      const cfg = kafkaConfig.parse({ KAFKA_BROKERS: env.KAFKA_BROKERS });
      const kafka = createKafka(cfg, 'smoke-check', logger);
      const admin = kafka.admin();
      const producer = kafka.producer({ idempotent: true });
      const consumer = kafka.consumer({ groupId: `smoke-${Date.now()}` });
      try {
        await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
        const topic = 'retail.smoke';
        await ensureTopics(cfg.KAFKA_BROKERS, [{ topic, numPartitions: 1 }]);
        const marker = `smoke-${Date.now()}`;
        await producer.send({ topic, acks: -1, messages: [{ key: 'smoke', value: marker }] });
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        const got = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no message within 20s')), 20_000);
          void consumer.run({
            eachMessage: async ({ message }) => {
              if (message.value?.toString() === marker) {
                clearTimeout(timer);
                resolve(marker);
              }
            },
          });
        });
        const cluster = await admin.describeCluster();
        return `${cluster.brokers.length} broker(s); produced and consumed ${got}`;
      } finally {
        await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
      }
    },
  },
  {
    name: 'schema-registry',
    run: async () => {
      const serde = AvroSerde.fromConfig(schemaRegistryConfig.parse(env));
      const schema = {
        type: 'record',
        name: 'SmokeCheck',
        namespace: 'retail.smoke',
        fields: [{ name: 'at', type: 'long' }],
      };
      const id = await serde.register(schema, 'retail.smoke.SmokeCheck');
      const at = Date.now();
      const decoded = await new AvroSerde(serde.registry).decode<{ at: number }>(
        await serde.encode(id, { at }),
      );
      if (decoded.value.at !== at) throw new Error('round trip changed the value');
      return `schema id ${id}; Avro encode → fetch by id → decode ok`;
    },
  },
  {
    name: 'postgres',
    run: async () => {
      const client = new pg.Client({ connectionString: env.PG_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ v: string; db: string }>(
          'SELECT current_setting($1) AS v, current_database() AS db',
          ['server_version'],
        );
        return `PostgreSQL ${rows[0]!.v}, database ${rows[0]!.db}`;
      } finally {
        await client.end();
      }
    },
  },
  {
    name: 'clickhouse',
    run: async () => {
      const client = createClient(clickhouseClientOptions(env.CLICKHOUSE_URL!));
      try {
        const rs = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
        const [row] = await rs.json<{ v: string }>();
        return `ClickHouse ${row!.v}`;
      } finally {
        await client.close();
      }
    },
  },
  {
    name: 'cassandra',
    run: async () => {
      const client = new cassandra.Client({
        contactPoints: env.CASSANDRA_CONTACT_POINTS!.split(','),
        localDataCenter: env.CASSANDRA_LOCAL_DC!,
      });
      await client.connect();
      try {
        const rs = await client.execute('SELECT release_version FROM system.local');
        return `Cassandra ${rs.first().get('release_version')}`;
      } finally {
        await client.shutdown();
      }
    },
  },
];

let failed = 0;
console.log('\nSmoke check: one real round trip per service');
for (const check of checks) {
  const started = Date.now();
  try {
    const detail = await check.run();
    console.log(`  ✓ ${check.name.padEnd(16)} ${String(Date.now() - started).padStart(5)} ms  ${detail}`);
  } catch (err) {
    failed++;
    console.log(
      `  ✗ ${check.name.padEnd(16)} ${String(Date.now() - started).padStart(5)} ms  ${(err as Error).message}`,
    );
  }
}
process.exit(failed ? 1 : 0);
