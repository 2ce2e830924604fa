import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AvroSerde, ensureTopics } from '@retail-stream/runtime';
import {
  deleteTestTopics,
  kafkaEnvOf,
  registryConfigOf,
  testRelaySigningKey,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { registerAll } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { prepareStoreDatabase, storeDatabaseName, storeDatabaseUrl } from '@retail-stream/store-edge';
import pg from 'pg';
import { kafka } from './enriched-events.ts';
import { EventLatency } from './event-latency.ts';
import { BenchProcess, startJava } from './java-process.ts';
import { JARS, peersDir } from './java-build.ts';
import { formatLatency, type LatencySummary } from './latency-stats.ts';
import { fillOutbox, paceOutbox } from './outbox-rows.ts';
import { brokers, env, javaEnv, registryUrl, say } from './peer-env.ts';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

const N = Number(process.env.PEERS_OUTBOX_EVENTS ?? 200_000);
const RATE = Number(process.env.PEERS_OUTBOX_RATE ?? 1_000);
const SECONDS = Number(process.env.PEERS_OUTBOX_SECONDS ?? 30);
const WARMUP = Number(process.env.PEERS_OUTBOX_WARMUP ?? 5);
const relayMain = path.resolve(peersDir, '../../producers/outbox-relay/src/main.ts');
const repoRoot = path.resolve(peersDir, '../..');

export interface OutboxResult {
  /** Events/s from the first record in Kafka to the last of the backlog. */
  rate: number;
  /** Events/s from process start (JVM / node start-up, connecting, slot or lease) to the last. */
  rateFromStart: number;
  /** CPU µs per event from the first record in Kafka to the last of the backlog. */
  cpuUsPerEvent: number;
  backlog: number;
  peakRssMiB: number;
  latency: LatencySummary;
}

async function inKafka(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until `topic` holds `target` records; times from start and from the first record. */
async function drain(proc: BenchProcess, topic: string, base: number, target: number) {
  const t = performance.now();
  let first = 0;
  let cpuAtFirst = 0;
  for (;;) {
    const n = (await inKafka(topic)) - base;
    if (n > 0 && first === 0) [first, cpuAtFirst] = [performance.now(), proc.cpuS()];
    if (n >= target) break;
    proc.assertAlive();
    if (performance.now() - t > 900_000) throw new Error(`${proc.name} did not publish ${target} in 15 min`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = performance.now();
  return {
    rate: target / ((end - first) / 1000),
    rateFromStart: target / ((end - t) / 1000),
    cpuUsPerEvent: ((proc.cpuS() - cpuAtFirst) / target) * 1e6,
  };
}

async function livePhase(
  db: pg.Pool,
  storeId: string,
  factory: StoreEventFactory,
  topic: string,
  idHeader: string,
) {
  const tracker = new EventLatency(topic, idHeader);
  await tracker.start();
  try {
    await paceOutbox(db, storeId, factory, RATE, WARMUP, () => {});
    await paceOutbox(db, storeId, factory, RATE, SECONDS, tracker.onCommitted);
    for (let i = 0; i < 120 && tracker.pending() > 0; i++) await new Promise((r) => setTimeout(r, 250));
    if (tracker.pending() > 0) say(`outbox: ${tracker.pending()} live events never read on ${topic}`);
    return tracker.summary();
  } finally {
    await tracker.stop();
  }
}

export async function compareOutbox(): Promise<{ ours: OutboxResult; theirs: OutboxResult }> {
  const cluster: PrivatePostgres = await startPrivatePostgres();
  const storeId = uniqueName('peers').replace(/-/g, '_');
  const topics = { relay: uniqueName('peers-relay'), debezium: uniqueName('peers-dbz') };
  const offsets = fs.mkdtempSync(path.join(os.tmpdir(), 'peers-dbz-'));
  let db: pg.Pool | undefined;
  try {
    await registerAll(AvroSerde.fromConfig(registryConfigOf(registryUrl, env)), { registryUrl });
    await ensureTopics(brokers, [
      { topic: topics.relay, numPartitions: 3 },
      { topic: topics.debezium, numPartitions: 3 },
    ]);
    await prepareStoreDatabase(cluster.url, storeId);
    db = new pg.Pool({ connectionString: storeDatabaseUrl(cluster.url, storeId), max: 2 });
    // Inserts only: the relay's published_at marks are updates the router would reject anyway.
    await db.query(`CREATE PUBLICATION peers_outbox FOR TABLE outbox WITH (publish = 'insert')`);
    // The slot before the rows: Debezium then streams the backlog from the WAL, as it would after an outage.
    await db.query(`SELECT pg_create_logical_replication_slot('peers_outbox', 'pgoutput')`);
    const factory = new StoreEventFactory(storeId);
    let t = performance.now();
    await fillOutbox(db, storeId, factory, N);
    say(
      `outbox: ${N} SaleRecorded rows in ${storeDatabaseName(storeId)} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // ── Debezium: the backlog, then live traffic ──
    const dbz = startJava(
      'debezium-outbox',
      JARS.debezium,
      javaEnv({
        DBZ_TOPIC: topics.debezium,
        DBZ_OFFSETS_FILE: path.join(offsets, 'offsets.dat'),
        DBZ_PG_PORT: String(cluster.port),
        DBZ_PG_USER: 'retail',
        DBZ_PG_DATABASE: storeDatabaseName(storeId),
        DBZ_SLOT: 'peers_outbox',
        DBZ_PUBLICATION: 'peers_outbox',
      }),
      (line) => {
        if (/ERROR|Exception|engine (started|stopped)/.test(line)) say(`  [debezium] ${line}`);
      },
    );
    let theirs: OutboxResult;
    try {
      const tp = await drain(dbz, topics.debezium, 0, N);
      say(
        `outbox: Debezium: ${Math.round(tp.rate)} events/s first→last record (${Math.round(tp.rateFromStart)}/s from JVM start; ${tp.cpuUsPerEvent.toFixed(0)} µs CPU per event), RSS so far ${dbz.peakRssMiB.toFixed(0)} MiB`,
      );
      const latency = await livePhase(db, storeId, factory, topics.debezium, 'id');
      say(`outbox: Debezium at ${RATE} events/s live: ${formatLatency(latency)}`);
      theirs = { ...tp, backlog: N, peakRssMiB: dbz.peakRssMiB, latency };
    } finally {
      await dbz.stop();
    }

    // ── our relay: the same rows (plus Debezium's live ones) as its backlog, then live traffic ──
    const backlog = Number(
      (await db.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox')).rows[0]!.n,
    );
    const relay = new BenchProcess(
      'outbox-relay',
      spawn(process.execPath, ['--import', 'tsx', relayMain], {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          STORE_ID: storeId,
          PG_URL: cluster.url,
          ...kafkaEnvOf(env),
          ...registryConfigOf(registryUrl, env),
          RELAY_TOPIC: topics.relay,
          RELAY_SIGNING_KEY: testRelaySigningKey(storeId),
          RELAY_BATCH_SIZE: '2000',
          OPS_PORT: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
    let ours: OutboxResult;
    try {
      t = performance.now();
      const tp = await drain(relay, topics.relay, 0, backlog);
      say(
        `outbox: relay: ${Math.round(tp.rate)} events/s first→last record over ${backlog} (${Math.round(tp.rateFromStart)}/s from process start; ${tp.cpuUsPerEvent.toFixed(0)} µs CPU per event), RSS so far ${relay.peakRssMiB.toFixed(0)} MiB`,
      );
      const latency = await livePhase(db, storeId, factory, topics.relay, 'event_id');
      say(`outbox: relay at ${RATE} events/s live: ${formatLatency(latency)}`);
      ours = { ...tp, backlog, peakRssMiB: relay.peakRssMiB, latency };
    } finally {
      await relay.stop();
    }
    return { ours, theirs };
  } finally {
    await db?.end();
    await cluster.stop();
    fs.rmSync(offsets, { recursive: true, force: true });
    await deleteTestTopics(brokers, Object.values(topics)).catch(() => undefined);
  }
}
