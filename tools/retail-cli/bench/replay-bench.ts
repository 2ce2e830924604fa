/**
 * retail replay throughput on the local stack:
 *
 *   npm run bench:replay -- [--records 1000000] [--sink-events 30000] [--sinks postgres,clickhouse,cassandra]
 *
 * 1. Dry run: `retail replay --dry-run` over a topic of `--records` records (6 partitions), against
 *    the ceiling of a raw kafkajs consumer group reading the same records (eachBatch, counting only).
 * 2. Replay into each sink: a topic of `--sink-events` distinct enriched events (sales with lines
 *    and payments, voids, refunds, receipts, adjustments), replayed into a fresh store, against the
 *    sink's live rate on the same records (its service in this process, a new group, another fresh
 *    store, from start until the group committed the end).
 * Prints a markdown block. Needs the local services (npm run infra:up).
 */
import { parseArgs } from 'node:util';
import {
  cassandraSinkConfig,
  cassandraSinkSpec,
  createCassandraClient,
  migrate as migrateCassandra,
} from '@retail-stream/cassandra-sink';
import { clickhouseSinkSpec, sinkConfig as clickhouseSinkConfig } from '@retail-stream/clickhouse-sink';
import { postgresSinkSpec, sinkConfig as postgresSinkConfig } from '@retail-stream/postgres-sink';
import { serviceEnv } from '@retail-stream/infra';
import { newKafkaClient, parseConfig, seededRandom } from '@retail-stream/runtime';
import { startSinkService, type SinkSpec } from '@retail-stream/runtime/sink-kit';
import {
  deleteTestGroups,
  dropClickHouseDatabase,
  dropPgSchema,
  startInProcess,
  testCassandraKeyspace,
  testEndpoints,
  TestProducer,
  testTopics,
  uniqueIdentifier,
  uniqueName,
  waitForGroupCaughtUp,
} from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { logLevel, type Message } from 'kafkajs';
import pg from 'pg';
import { createEncoder, enrich } from '../../../sinks/postgres/test/harness.ts';
import type { ReplaySummary } from '../src/replay/run-replay.ts';
import { runCli } from '../test/cli-harness.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    'sink-events': { type: 'string', default: '30000' },
    stores: { type: 'string', default: '200' },
    partitions: { type: 'string', default: '6' },
    sinks: { type: 'string', default: 'postgres,clickhouse,cassandra' },
    rounds: { type: 'string', default: '2' },
  },
});
const RECORDS = Number(args.records);
const SINK_EVENTS = Number(args['sink-events']);
const STORES = Number(args.stores);
const PARTITIONS = Number(args.partitions);
const ROUNDS = Number(args.rounds);
const SINKS = args.sinks!.split(',').filter(Boolean) as ('postgres' | 'clickhouse' | 'cassandra')[];

const ENDPOINTS = testEndpoints(serviceEnv());
const BROKERS = ENDPOINTS.brokers;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const cleanups: (() => Promise<unknown>)[] = [];

async function main(): Promise<void> {
  const encoder = await createEncoder();
  // ── the records ──────────────────────────────────────────────────────────────────────────
  const perStore = Math.ceil(SINK_EVENTS / STORES);
  const events = Array.from({ length: STORES }, (_, i) =>
    new StoreEventFactory(`bs${String(i).padStart(4, '0')}`, seededRandom(1000 + i)).mixed(perStore),
  )
    .flat()
    .slice(0, SINK_EVENTS)
    .map((e) => enrich(e));
  const pool: Message[] = events.map((e) => encoder.event(e));
  const avgBytes = pool.reduce((n, m) => n + (m.value as Buffer).length, 0) / pool.length;
  log(`${fmt(pool.length)} distinct enriched events, ${Math.round(avgBytes)} B average value`);

  const topics = await testTopics(BROKERS, 'replay-bench', { scan: PARTITIONS, sink: PARTITIONS, dlq: 1 });
  cleanups.push(() => topics.drop());
  cleanups.push(async () => {
    // The bench's replay checkpoints (their ranges name its topics).
    const pool = new pg.Pool({ connectionString: ENDPOINTS.pgUrl, max: 1 });
    await pool.query(`DELETE FROM ops.replay_checkpoints WHERE command::text LIKE '%' || $1 || '%'`, [
      topics.sink,
    ]);
    await pool.end();
  });
  const producer = await TestProducer.connect(BROKERS, 'replay-bench');
  cleanups.push(() => producer.close());
  let t = performance.now();
  const CHUNK = 2_000;
  for (let sent = 0; sent < RECORDS; sent += CHUNK) {
    const n = Math.min(CHUNK, RECORDS - sent);
    await producer.send(
      topics.scan,
      Array.from({ length: n }, (_, i) => pool[(sent + i) % pool.length]!),
      CHUNK,
    );
  }
  log(`produced ${fmt(RECORDS)} records in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await producer.send(topics.sink, pool, 1_000);

  const rows: string[] = [];
  // ── 1. dry run against a raw consumer ──────────────────────────────────────────────────────
  const raw = await rawConsume(topics.scan, RECORDS);
  const baseEnv = {
    ...ENDPOINTS.env,
    LOG_LEVEL: 'warn',
    RETAIL_ACTOR: 'replay-bench',
    SINK_DLQ_TOPIC: topics.dlq,
  };
  const scanEnv = { ...baseEnv, SINK_EVENTS_TOPIC: topics.scan };
  t = performance.now();
  const dry = await runCli(
    ['replay', '--sink', 'postgres', '--topic', topics.scan, '--from', '1d', '--dry-run', '--json'],
    scanEnv,
  );
  const dryS = dry.json<ReplaySummary>();
  const dryRate = dryS.counts.read / ((performance.now() - t) / 1000);
  if (dryS.counts.read !== RECORDS) throw new Error(`dry run read ${dryS.counts.read}, want ${RECORDS}`);
  rows.push(
    `| dry run (counts by partition, store, type) | ${fmt(RECORDS)} | ${fmt(dryRate)} | raw kafkajs consumer ${fmt(raw)} | ${(dryRate / raw).toFixed(2)} |`,
  );
  log(rows.at(-1)!);

  // ── 2. each sink: live rate vs replay rate on the same records ─────────────────────────────
  // Best of --rounds, alternating live and replay: the machine is shared, single runs are noisy.
  for (const sink of SINKS) {
    let live = 0;
    let rate = 0;
    for (let round = 0; round < ROUNDS; round++) {
      live = Math.max(live, await liveRate(sink, topics.sink, baseEnv, pool.length));
      const target = await freshStore(sink);
      const env = { ...baseEnv, ...target, SINK_EVENTS_TOPIC: topics.sink };
      t = performance.now();
      const run = await runCli(
        ['replay', '--sink', sink, '--topic', topics.sink, '--from', '1d', '--json'],
        env,
      );
      const s = run.json<ReplaySummary>();
      rate = Math.max(rate, s.counts.read / ((performance.now() - t) / 1000));
      if (s.written !== pool.length)
        throw new Error(`${sink}: replay wrote ${s.written}, want ${pool.length}`);
    }
    rows.push(
      `| replay → ${sink} | ${fmt(pool.length)} | ${fmt(rate)} | live sink ${fmt(live)} | ${(rate / live).toFixed(2)} |`,
    );
    log(rows.at(-1)!);
  }

  process.stdout.write(
    [
      '',
      `### retail replay (${new Date().toISOString().slice(0, 10)}, ${PARTITIONS} partitions, ${Math.round(avgBytes)} B values)`,
      '',
      '| run | records | records/s | ceiling (records/s) | ratio |',
      '|---|---:|---:|---:|---:|',
      ...rows,
      '',
      `Best of ${ROUNDS} rounds per sink. Rates include the command's start-up`,
      '(connect, resolve offsets, open and migrate the store); the live',
      "sink's include its start and group join. Same machine, same run, same records.",
      '',
    ].join('\n'),
  );
}

/** A consumer group reading the topic from the beginning, counting only: what Kafka + kafkajs give. */
async function rawConsume(topic: string, want: number): Promise<number> {
  const kafka = newKafkaClient({
    clientId: 'replay-bench-raw',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const groupId = uniqueName('replay-bench-raw');
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 16 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  const t = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        count += batch.messages.length;
        if (count >= want) resolve();
      },
    });
  });
  const rate = count / ((performance.now() - t) / 1000);
  await consumer.disconnect();
  await deleteTestGroups(BROKERS, [groupId]);
  return rate;
}

/** A fresh, migrated-on-open store for `sink`; returns the env naming it. */
async function freshStore(sink: string): Promise<Record<string, string>> {
  if (sink === 'postgres') {
    const schema = uniqueIdentifier('hq_rbench');
    cleanups.push(() => dropPgSchema(ENDPOINTS.pgUrl, schema));
    return { HQ_PG_SCHEMA: schema };
  }
  if (sink === 'clickhouse') {
    const db = uniqueIdentifier('rbench');
    cleanups.push(() => dropClickHouseDatabase(ENDPOINTS.clickhouseUrl, db));
    return { CLICKHOUSE_DATABASE: db };
  }
  const cfg = parseConfig(cassandraSinkConfig, ENDPOINTS.env);
  const client = createCassandraClient(cfg);
  const ks = await testCassandraKeyspace(client, {
    prefix: 'rbench',
    create: (name) => migrateCassandra(client, { keyspace: name, replication: cfg.CASSANDRA_REPLICATION }),
  });
  cleanups.push(async () => {
    await ks.drop();
    await client.shutdown();
  });
  return { CASSANDRA_KEYSPACE: ks.name };
}

/** The sink's service in this process on a new group and a fresh store: records/s until caught up. */
async function liveRate(
  sink: string,
  topic: string,
  baseEnv: Record<string, string>,
  records: number,
): Promise<number> {
  const groupId = uniqueName(`replay-bench-live-${sink}`);
  cleanups.push(() => deleteTestGroups(BROKERS, [groupId]));
  const env = { ...baseEnv, ...(await freshStore(sink)), SINK_EVENTS_TOPIC: topic, SINK_GROUP_ID: groupId };
  const spec: SinkSpec<unknown> =
    sink === 'postgres'
      ? (postgresSinkSpec(parseConfig(postgresSinkConfig, env)) as SinkSpec<unknown>)
      : sink === 'clickhouse'
        ? (clickhouseSinkSpec(parseConfig(clickhouseSinkConfig, env)) as SinkSpec<unknown>)
        : (cassandraSinkSpec(parseConfig(cassandraSinkConfig, env)) as SinkSpec<unknown>);
  // Only the events topic: the KPI topic of the live stack is not part of this measurement.
  spec.topics = [topic];
  const t = performance.now();
  const service = await startInProcess((deps) => startSinkService(spec, deps), { name: `bench-${sink}` });
  await waitForGroupCaughtUp(BROKERS, groupId, [topic], 600_000);
  const rate = records / ((performance.now() - t) / 1000);
  await service.stop();
  return rate;
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
process.exit(0);
