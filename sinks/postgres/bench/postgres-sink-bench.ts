/**
 * Postgres sink throughput on the local stack:
 *
 *   npx tsx sinks/postgres/bench/postgres-sink-bench.ts [--events 100000] [--stores 500] [--partitions 6]
 *     ["--sink-node-options=--cpu-prof --cpu-prof-dir=/tmp/prof"] [--from-source]
 *
 * Preloads a fresh topic with realistic enriched store events (sales with 3–10 lines and their
 * payments, some failed payments, voids, refunds, receipts, adjustments), then measures:
 *  1. end to end: the real sink process (src/main.ts) from start until every event is applied;
 *  2. the sink's write path alone: applyStoreEvents (inbox + one insert per table, rows by COPY
 *     into staging tables + merges, as JSON recordsets and as per-column UNNEST arrays) in one
 *     process on the decoded events, in batches;
 *  3. the raw ceiling: the same rows loaded with psql `\copy` from CSV files into a fresh schema.
 * Prints events/s and rows/s of each and the ratios. Needs the local services (npm run infra:up).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serviceEnv } from '@retail-stream/infra';
import { SERVICE_PROCESS_ENV, serviceRunArgs } from '@retail-stream/scripts/bundle';
import {
  AvroSerde,
  cpuSeconds,
  ensureTopics,
  newKafkaClient,
  rssMiB,
  seededRandom,
} from '@retail-stream/runtime';
import { kafkaEnvOf, registryConfigOf, uniqueName } from '@retail-stream/runtime/testing';
import { posEventRecord, registerAll, type StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { logLevel, type Message } from 'kafkajs';
import pg from 'pg';
import { applyStoreEvents, inTransaction } from '../src/batch-writer.ts';
import { hqPool, prepareDatabase } from '../src/db.ts';
import { POSTGRES_SINK_NODE_ARGS } from '../src/node-args.ts';
import { inboxRow, mapEvents, type SourcedEvent } from '../src/event-rows.ts';
import * as tables from '../src/hq-tables.ts';
import type { TableSpec } from '../src/unnest-insert.ts';
import { enrich } from '../test/harness.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    stores: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '6' },
    batch: { type: 'string', default: '2000' },
    keep: { type: 'boolean', default: false },
    /** Node flags for the sink process after the deployed ones (a profile, a heap cap), as the ClickHouse bench takes them. */
    'sink-node-options': { type: 'string', default: '' },
    // The sink runs from its bundle, as its container does; this runs src/main.ts through tsx.
    'from-source': { type: 'boolean', default: false },
  },
});
// The sink runs with the flags it is deployed with (node-args.ts), then any given here.
const nodeOptions = [...POSTGRES_SINK_NODE_ARGS, ...args['sink-node-options'].split(' ').filter(Boolean)];
const total = Number(args.events);
const storeCount = Number(args.stores);
const env = serviceEnv();
const brokers = env.KAFKA_BROKERS!.split(',');
const PG_URL = env.PG_URL!;
const here = path.dirname(fileURLToPath(import.meta.url));
const schemas = {
  sink: uniqueName('hq_bench_sink'),
  unnest: uniqueName('hq_bench_unnest'),
  copy: uniqueName('hq_bench_copy'),
};
for (const k of Object.keys(schemas) as (keyof typeof schemas)[]) schemas[k] = schemas[k].replace(/-/g, '_');
const topic = uniqueName('pgsink-bench');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ── events ────────────────────────────────────────────────────────────────────
const t0 = Date.now();
const perStore = Math.ceil(total / storeCount);
const events: StoreEvent[] = [];
const factories = Array.from(
  { length: storeCount },
  (_, i) => new StoreEventFactory(`bench_${i}`, seededRandom(i + 1)),
);
// Interleaved like a live chain: every store's events in order, stores mixed in time.
const byStore = factories.map((f) => f.mixed(perStore).map((e) => enrich(e)));
for (let i = 0; i < perStore; i += 10) for (const s of byStore) events.push(...s.slice(i, i + 10));
events.length = Math.min(events.length, total);
const rows = mapEvents(events.map((event, i) => ({ event, partition: 0, offset: String(i) })));
const rowCount = (r: typeof rows) =>
  events.length + Object.values(r).reduce((n, list) => n + (list as unknown[]).length, 0);
const totalRows = rowCount(rows);
const types = new Map<string, number>();
for (const e of events) types.set(e.event_type, (types.get(e.event_type) ?? 0) + 1);
console.log(
  `generated ${fmt(events.length)} events of ${storeCount} stores (${[...types].map(([t, n]) => `${t} ${fmt(n)}`).join(', ')}); ` +
    `${fmt(totalRows)} rows when applied; ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);

// ── preload the topic ─────────────────────────────────────────────────────────
const serde = AvroSerde.fromConfig(registryConfigOf(env.SCHEMA_REGISTRY_URL!, env));
const ids = await registerAll(serde, { registryUrl: env.SCHEMA_REGISTRY_URL! });
await ensureTopics(brokers, [{ topic, numPartitions: Number(args.partitions) }]);
const kafka = newKafkaClient({ clientId: 'pgsink-bench', brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const messages = events.map((e) => posEventRecord(serde, (t) => ids[t], e) as unknown as Message);
const bytes = messages.reduce((n, m) => n + (m.value as Buffer).length, 0);
for (let i = 0; i < messages.length; i += 400)
  await producer.send({ topic, messages: messages.slice(i, i + 400) });
await producer.disconnect();
console.log(
  `preloaded ${topic}: ${fmt(messages.length)} records, ${(bytes / 1024 / 1024).toFixed(1)} MiB of Avro`,
);

const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
const sumEvents = async (schema: string) =>
  Number((await admin.query(`SELECT COALESCE(sum(events_total), 0) AS n FROM "${schema}".stores`)).rows[0].n);

// ── 1. end to end ─────────────────────────────────────────────────────────────
{
  const setup = hqPool(PG_URL, schemas.sink, { max: 1 });
  await prepareDatabase(setup, schemas.sink);
  await setup.end();
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeOptions,
      ...(await serviceRunArgs('sinks/postgres/src/main.ts', { fromSource: args['from-source'] })),
    ],
    {
      cwd: path.join(here, '..'),
      env: {
        PATH: process.env.PATH ?? '',
        ...SERVICE_PROCESS_ENV,
        ...kafkaEnvOf(env),
        ...registryConfigOf(env.SCHEMA_REGISTRY_URL!, env),
        PG_URL,
        HQ_PG_SCHEMA: schemas.sink,
        SINK_EVENTS_TOPIC: topic,
        SINK_KPI_TOPIC: `${topic}-kpi`,
        SINK_DLQ_TOPIC: `${topic}-dlq`,
        SINK_GROUP_ID: `${topic}-group`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  let first = 0;
  let peakRss = 0;
  let done = 0;
  while (done < events.length) {
    await sleep(100);
    done = await sumEvents(schemas.sink);
    if (done > 0 && first === 0) first = Date.now();
    peakRss = Math.max(peakRss, rssMiB(child.pid!) ?? 0);
    if (Date.now() - started > 600_000) throw new Error(`sink stalled at ${done} events`);
  }
  const finished = Date.now();
  const cpu = cpuSeconds(child.pid!) ?? NaN;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  const writing = (finished - first) / 1000;
  const whole = (finished - started) / 1000;
  console.log(
    `1. sink end to end: ${fmt(events.length / writing)} events/s, ${fmt(totalRows / writing)} rows/s ` +
      `(first row → last: ${writing.toFixed(1)} s; incl. process start and group join: ${whole.toFixed(1)} s, ` +
      `${fmt(events.length / whole)} events/s); sink CPU ${cpu.toFixed(1)} s (${((cpu / writing) * 100).toFixed(0)}% of a core while writing), peak RSS ${fmt(peakRss)} MiB`,
  );
  (globalThis as { e2e?: number }).e2e = events.length / writing;
}

// ── 2. the write path alone (inbox + one insert per table), in process, both row encodings ──
for (const method of ['copy', 'json', 'unnest'] as const) {
  const schema = `${schemas.unnest}_${method}`;
  const pool = hqPool(PG_URL, schema, { max: 2 });
  await prepareDatabase(pool, schema);
  const batch = Number(args.batch);
  const sourced: SourcedEvent[] = events.map((event, i) => ({ event, partition: 0, offset: String(i) }));
  const started = Date.now();
  for (let i = 0; i < sourced.length; i += batch) {
    await inTransaction(pool, (c) => applyStoreEvents(c, sourced.slice(i, i + batch), method));
  }
  const s = (Date.now() - started) / 1000;
  await pool.end();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  console.log(
    `2. write path alone, ${method} rows (batches of ${batch}): ${fmt(events.length / s)} events/s, ${fmt(totalRows / s)} rows/s (${s.toFixed(1)} s)`,
  );
  if (method === 'copy') (globalThis as { unnest?: number }).unnest = events.length / s;
}

// ── 3. raw ceiling: psql \copy of the same rows ──────────────────────────────
{
  const pool = hqPool(PG_URL, schemas.copy, { max: 1 });
  await prepareDatabase(pool, schemas.copy);
  await pool.end();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsink-bench-'));
  const csvField = (v: unknown) =>
    v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`;
  const script: string[] = [];
  const write = <R>(spec: TableSpec<R>, list: readonly R[]) => {
    const file = path.join(dir, `${spec.table}.csv`);
    writeFileSync(
      file,
      list.map((r) => spec.columns.map(([c]) => csvField(r[c])).join(',')).join('\n') + '\n',
    );
    script.push(
      `\\copy ${spec.table} (${spec.columns.map(([c]) => c).join(', ')}) FROM '${file}' WITH (FORMAT csv)`,
    );
  };
  write(
    tables.inboxTable,
    events.map((event, i) => inboxRow({ event, partition: 0, offset: String(i) })),
  );
  write(tables.storesTable, rows.stores);
  write(tables.transactionsTable, rows.transactions);
  write(tables.lineItemsTable, rows.lineItems);
  write(tables.paymentsTable, rows.payments);
  write(tables.refundsTable, rows.refunds);
  write(tables.refundLinesTable, rows.refundLines);
  write(tables.inventoryTable, rows.inventory);
  write(tables.goodsReceiptsTable, rows.goodsReceipts);
  write(tables.adjustmentsTable, rows.adjustments);
  writeFileSync(path.join(dir, 'load.sql'), ['BEGIN;', ...script, 'COMMIT;'].join('\n') + '\n');
  const psql = ['/usr/lib/postgresql/15/bin/psql', 'psql'].find(
    (p) => spawnSync(p, ['--version']).status === 0,
  );
  if (!psql) {
    console.log('3. raw ceiling: psql not found, skipped');
  } else {
    const started = Date.now();
    const r = spawnSync(psql, [PG_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-f', path.join(dir, 'load.sql')], {
      env: { ...process.env, PGOPTIONS: `-c search_path=${schemas.copy}` },
      encoding: 'utf8',
    });
    const s = (Date.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    const loaded = await sumEvents(schemas.copy);
    const e2e = (globalThis as { e2e?: number }).e2e!;
    const unnest = (globalThis as { unnest?: number }).unnest!;
    console.log(
      `3. raw ceiling, psql \\copy of the same ${fmt(totalRows)} rows: ${fmt(events.length / s)} events/s, ${fmt(totalRows / s)} rows/s (${s.toFixed(1)} s; events_total check ${fmt(loaded)})`,
    );
    console.log(
      `ratios: sink end to end / raw copy = ${(e2e / (events.length / s)).toFixed(2)}; write path (copy) / raw copy = ${(unnest / (events.length / s)).toFixed(2)}; sink / write path (copy) = ${(e2e / unnest).toFixed(2)}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

if (!args.keep) {
  for (const s of Object.values(schemas)) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  const ka = kafka.admin();
  await ka.connect();
  await ka.deleteTopics({ topics: [topic, `${topic}-kpi`, `${topic}-dlq`] }).catch(() => undefined);
  await ka.disconnect();
}
await admin.end();
