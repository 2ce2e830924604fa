/**
 * Relay throughput on the local stack:
 *
 *   npx tsx producers/outbox-relay/bench/relay-bench.ts --events 200000 [--batch 2000] [--keep]
 *
 * Pre-fills a fresh store database's outbox with realistic SaleRecorded events (3–10 lines each),
 * then starts the relay (src/main.ts, as its own process so its memory is its own) and measures
 * from the moment it holds the store lease until sync_cursors says every row is acknowledged and
 * marked. Prints events/s, elapsed, the relay's peak RSS and CPU, and where a batch spends its time.
 * Needs the local services (npm run infra:up).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVICE_PROCESS_ENV, serviceRunArgs } from '@retail-stream/scripts/bundle';
import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde, cpuSeconds, ensureTopics, newKafkaClient, rssMiB } from '@retail-stream/runtime';
import {
  kafkaEnvOf,
  registryConfigOf,
  testRelaySigningKey,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { registerAll } from '@retail-stream/schemas';
import { logLevel } from 'kafkajs';
import pg from 'pg';
import { prepareStoreDatabase, storeDatabaseName, storeDatabaseUrl } from '@retail-stream/store-edge';
import { StoreEventFactory } from '@retail-stream/schemas/testing';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '2000' },
    keep: { type: 'boolean', default: false },
    /** Extra node flags for the relay process, e.g. "--max-semi-space-size=32". */
    'node-args': { type: 'string', default: '' },
    // The relay runs from its bundle, as its container does; this runs src/main.ts through tsx.
    'from-source': { type: 'boolean', default: false },
  },
});
const total = Number(args.events);
const env = serviceEnv();
const brokers = env.KAFKA_BROKERS!.split(',');
const storeId = uniqueName('bench').replace(/-/g, '_');
const topic = uniqueName('relay-bench');
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

function say(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

// ── setup ─────────────────────────────────────────────────────────────────────────────────────
say(
  `relay bench: ${total.toLocaleString('en')} SaleRecorded events, batch ${args.batch}, store ${storeId}, topic ${topic}${args['node-args'] ? `, node ${args['node-args']}` : ''}`,
);
await registerAll(AvroSerde.fromConfig(registryConfigOf(env.SCHEMA_REGISTRY_URL!, env)), {
  registryUrl: env.SCHEMA_REGISTRY_URL!,
});
await ensureTopics(brokers, [{ topic, numPartitions: 3 }]);
await prepareStoreDatabase(env.PG_URL!, storeId);
const db = new pg.Pool({ connectionString: storeDatabaseUrl(env.PG_URL!, storeId), max: 2 });

const fillStarted = Date.now();
const factory = new StoreEventFactory(storeId);
let bytes = 0;
for (let done = 0; done < total;) {
  const n = Math.min(5_000, total - done);
  const rows = factory.sales(n).map((e) => {
    const payload = JSON.stringify(e);
    bytes += payload.length;
    return `{"store_seq":${e.store_seq},"event_id":"${e.event_id}","trace_id":"${e.trace_id}","occurred_at":${e.occurred_at},"payload":${payload}}`;
  });
  await db.query(
    `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
     SELECT $1, e.store_seq, e.event_id, 'SaleRecorded', to_timestamp(e.occurred_at / 1000.0), e.trace_id, e.payload
       FROM jsonb_to_recordset($2::jsonb) AS e(store_seq bigint, event_id uuid, trace_id text, occurred_at bigint, payload jsonb)`,
    [storeId, `[${rows.join(',')}]`],
  );
  done += n;
}
await db.query('VACUUM ANALYZE outbox');
say(
  `prefilled in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s (avg payload ${Math.round(bytes / total)} B JSON)`,
);

// ── run ───────────────────────────────────────────────────────────────────────────────────────
const nodeArgs = args['node-args'].split(' ').filter((a) => a.length > 0);
const runArgs = await serviceRunArgs('producers/outbox-relay/src/main.ts', {
  fromSource: args['from-source'],
});
const relay = spawn(process.execPath, [...nodeArgs, ...runArgs], {
  cwd: repoRoot,
  env: {
    PATH: process.env.PATH ?? '',
    ...SERVICE_PROCESS_ENV,
    STORE_ID: storeId,
    PG_URL: env.PG_URL!,
    ...kafkaEnvOf(env),
    ...registryConfigOf(env.SCHEMA_REGISTRY_URL!, env),
    RELAY_TOPIC: topic,
    RELAY_SIGNING_KEY: testRelaySigningKey(storeId),
    RELAY_BATCH_SIZE: args.batch,
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let leaseAt = 0;
let opsPort = 0;
let out = '';
relay.stdout!.on('data', (chunk: Buffer) => {
  out += chunk.toString();
  for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
    const line = out.slice(0, nl);
    out = out.slice(nl + 1);
    try {
      const l = JSON.parse(line) as { msg: string; port?: number; level: string };
      if (l.msg === 'store lease acquired; publishing') leaseAt = performance.now();
      if (l.msg === 'http listening') opsPort = l.port ?? 0;
      if (l.level === 'warn' || l.level === 'error' || l.level === 'fatal') say(`relay: ${line}`);
    } catch {
      say(`relay: ${line}`);
    }
  }
});

function procStats(pid: number): { rssMiB: number; cpuS: number } {
  return { rssMiB: rssMiB(pid) ?? 0, cpuS: cpuSeconds(pid) ?? 0 };
}

let peakRss = 0;
let published = 0;
let doneAt = 0;
let cpuAtLease: number | undefined;
const deadline = Date.now() + 15 * 60_000;
while (Date.now() < deadline) {
  const stats = procStats(relay.pid!);
  peakRss = Math.max(peakRss, stats.rssMiB);
  if (leaseAt && cpuAtLease === undefined) cpuAtLease = stats.cpuS;
  const { rows } = await db.query<{ seq: string | null }>(
    `SELECT last_published_seq::text AS seq FROM sync_cursors WHERE store_id = $1 AND destination = 'kafka'`,
    [storeId],
  );
  published = Number(rows[0]?.seq ?? 0);
  if (published >= total) {
    doneAt = performance.now();
    break;
  }
  await sleep(50);
}
const final = procStats(relay.pid!);
const metricsText = opsPort ? await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text() : '';
relay.kill('SIGTERM');
await new Promise((resolve) => relay.on('exit', resolve));

if (!doneAt) {
  say(`FAILED: only ${published} of ${total} published before the deadline`);
  process.exitCode = 1;
} else {
  const elapsed = (doneAt - leaseAt) / 1000;
  const admin = newKafkaClient({ clientId: 'relay-bench', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const inKafka = offsets.reduce((s, p) => s + Number(p.high), 0);

  const phaseSum = (phase: string) =>
    Number(
      new RegExp(`retail_relay_batch_phase_seconds_sum\\{[^}]*phase="${phase}"[^}]*\\} ([0-9.e+-]+)`).exec(
        metricsText,
      )?.[1] ?? 0,
    );
  const phases = ['read', 'encode', 'publish', 'mark'].map((p) => [p, phaseSum(p)] as const);
  const phaseTotal = phases.reduce((s, [, v]) => s + v, 0);

  say('');
  say(`events/s        ${Math.round(total / elapsed).toLocaleString('en')}`);
  say(`elapsed         ${elapsed.toFixed(2)} s (lease acquired → last row marked)`);
  say(`relay RSS       peak ${peakRss.toFixed(0)} MiB, at the end ${final.rssMiB.toFixed(0)} MiB`);
  const runCpu = final.cpuS - (cpuAtLease ?? 0);
  say(
    `relay CPU       ${runCpu.toFixed(1)} s during the run = ${Math.round((runCpu / elapsed) * 100)}% of one core, ${Math.round((runCpu / total) * 1e6)} µs per event`,
  );
  say(`records in Kafka ${inKafka.toLocaleString('en')} (expected ${total.toLocaleString('en')})`);
  say(`batch ${args.batch}: time per phase (share of the relay loop)`);
  for (const [p, v] of phases)
    say(`  ${p.padEnd(8)} ${v.toFixed(2)} s  ${Math.round((v / phaseTotal) * 100)}%`);
  if (inKafka !== total) process.exitCode = 1;
}

// ── cleanup ───────────────────────────────────────────────────────────────────────────────────
await db.end();
if (!args.keep) {
  const admin = new pg.Client({ connectionString: env.PG_URL! });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${storeDatabaseName(storeId)}" WITH (FORCE)`);
  await admin.end();
  const kadmin = newKafkaClient({ clientId: 'relay-bench', brokers, logLevel: logLevel.NOTHING }).admin();
  await kadmin.connect();
  await kadmin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await kadmin.disconnect();
} else {
  say(`kept database ${storeDatabaseName(storeId)} and topic ${topic}`);
}
