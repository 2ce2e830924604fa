/**
 * ClickHouse sink throughput on the local stack:
 *
 *   npx tsx sinks/clickhouse/bench/clickhouse-sink-bench.ts [--events 100000] [--stores 500] [--keep]
 *     [--sink-node-options "--max-old-space-size=256"] [--from-source]
 *
 * Preloads a fresh 3-partition topic with enriched events as on retail.events.enriched (SaleRecorded
 * with 3–10 lines plus its PaymentCaptured, now and then a PaymentFailed first; 500 stores), then
 * starts the sink (its bundle as its own process, as its container runs it, or src/main.ts through
 * tsx with --from-source; new group, fresh database) and times "consumer
 * ready" → every row acknowledged (retail_sink_rows_written_total). Rows counted over all tables.
 *
 * The ceiling is the same rows inserted straight into another fresh database, twice: with the
 * @clickhouse/client insert loop the sink uses (JSON serialisation included), and as prepared
 * JSONEachRow bodies POSTed over HTTP (what `clickhouse-client --query "INSERT … FORMAT
 * JSONEachRow" < file` does; Debian's 18.16 package here ships no client binary). Both use 20,000
 * rows per insert and the tables in parallel, like the sink. A third ceiling posts the same rows as
 * prepared RowBinary bodies, the format the sink sends (encoding not timed). Afterwards every table's
 * content in the sink's database is compared with the direct one (count and a hash of every column,
 * FINAL): a fast sink that wrote wrong values fails the bench. Needs the local services.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serviceEnv } from '@retail-stream/infra';
import { SERVICE_PROCESS_ENV, serviceRunArgs } from '@retail-stream/scripts/bundle';
import { cpuSeconds, ensureTopics, newKafkaClient, rssMiB, seededRandom } from '@retail-stream/runtime';
import { freePort, kafkaEnvOf, registryConfigOf, uniqueName } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { logLevel } from 'kafkajs';
import { connectClickhouse } from '../src/clickhouse-connection.ts';
import { chunk } from '../src/flush-policy.ts';
import { ensureDatabase, migrate } from '../src/migrator.ts';
import { encodeRows, insertBodies, type EncodedPart } from '../src/encoded-rows.ts';
import { rowBinaryInsert } from '../src/row-binary.ts';
import { appendRows, countRows, emptyTableRows, storeEventRows } from '../src/rows.ts';
import { CH_TABLES } from '../src/tables/all-tables.ts';
import { enrichedMessages, enrichmentFor } from '../test/harness.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    stores: { type: 'string', default: '500' },
    'batch-rows': { type: 'string', default: '20000' },
    keep: { type: 'boolean', default: false },
    // Node flags of the sink process (a heap limit, as a deployment may set), space-separated.
    'sink-node-options': { type: 'string', default: '' },
    'from-source': { type: 'boolean', default: false },
  },
});
const total = Number(args.events);
const storeCount = Number(args.stores);
const batchRows = Number(args['batch-rows']);
const nodeOptions = args['sink-node-options'].split(' ').filter(Boolean);
const env = serviceEnv();
const brokers = env.KAFKA_BROKERS!.split(',');
const chUrl = env.CLICKHOUSE_URL!;
const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const repoRoot = path.resolve(packageDir, '../..');
const topic = uniqueName('chsink-bench');
const kpiTopic = uniqueName('chsink-bench-kpi');
const dlqTopic = uniqueName('chsink-bench-dlq');
const sinkDb = uniqueName('chbench_sink').replace(/-/g, '_');
const directDb = uniqueName('chbench_direct').replace(/-/g, '_');
const say = (msg: string) => process.stdout.write(`${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

const admin = connectClickhouse({
  CLICKHOUSE_URL: chUrl,
  CLICKHOUSE_DATABASE: 'default',
  CLICKHOUSE_REQUEST_TIMEOUT_MS: 300_000,
});
async function freshDb(name: string) {
  await ensureDatabase(admin, name);
  const client = connectClickhouse({
    CLICKHOUSE_URL: chUrl,
    CLICKHOUSE_DATABASE: name,
    CLICKHOUSE_REQUEST_TIMEOUT_MS: 300_000,
  });
  await migrate(client);
  return client;
}

const sinkSettings = Object.entries(process.env)
  .filter((e) => e[0].startsWith('SINK_') && !!e[1])
  .map(([k, v]) => `${k}=${v}`);
say(
  `clickhouse sink bench: ${fmt(total)} events, ${storeCount} stores, ${fmt(batchRows)} rows per insert${
    sinkSettings.length + nodeOptions.length > 0 ? `, ${[...sinkSettings, ...nodeOptions].join(' ')}` : ''
  }; load avg ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

// ── input ─────────────────────────────────────────────────────────────────────────────────────
const random = seededRandom(7);
const factories = Array.from({ length: storeCount }, (_, i) => new StoreEventFactory(`bench_${i}`, random));
const events: StoreEvent[] = [];
for (let i = 0; events.length < total; i++) {
  const f = factories[i % storeCount]!;
  const sale = f.sale();
  events.push(sale);
  if (random() < 0.1 && events.length < total) events.push(f.paymentFailed(sale));
  if (events.length < total) events.push(f.paymentCaptured(sale));
}
const rows = emptyTableRows();
// The rows of the events as the sink receives them (enriched), so both sides write the same rows.
for (const e of events) appendRows(rows, storeEventRows({ ...e, enrichment: enrichmentFor(e) }));
const rowCount = countRows(rows);
say(
  `rows per table: ${[...rows]
    .filter(([, l]) => l.length > 0)
    .map(([t, l]) => `${t} ${fmt(l.length)}`)
    .join(', ')} = ${fmt(rowCount)}`,
);

await ensureTopics(brokers, [{ topic, numPartitions: 3 }, { topic: kpiTopic }, { topic: dlqTopic }]);
const kafka = newKafkaClient({ clientId: 'chsink-bench', brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer();
await producer.connect();
const loadStarted = Date.now();
let bytes = 0;
for (let i = 0; i < events.length; i += 2_000) {
  const messages = await enrichedMessages(events.slice(i, i + 2_000));
  for (const m of messages) bytes += (m.value as Buffer).length;
  for (const part of chunk(messages, 500)) await producer.send({ topic, acks: -1, messages: part });
}
await producer.disconnect();
say(
  `preloaded ${fmt(events.length)} records (${(bytes / 1024 / 1024).toFixed(1)} MiB Avro) in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`,
);

// ── the sink, end to end ──────────────────────────────────────────────────────────────────────
const sinkClient = await freshDb(sinkDb);
const opsPort = await freePort();
const child = spawn(
  process.execPath,
  [
    ...nodeOptions,
    ...(await serviceRunArgs('sinks/clickhouse/src/main.ts', { fromSource: args['from-source'] })),
  ],
  {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      ...SERVICE_PROCESS_ENV,
      // Tuning from the environment (SINK_MAX_INFLIGHT_FLUSHES=4 …); the settings below win.
      ...Object.fromEntries(
        Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('SINK_') && !!e[1]),
      ),
      ...kafkaEnvOf(env),
      KAFKA_BROKERS: brokers.join(','),
      ...registryConfigOf(env.SCHEMA_REGISTRY_URL!, env),
      CLICKHOUSE_URL: chUrl,
      CLICKHOUSE_DATABASE: sinkDb,
      SINK_GROUP_ID: uniqueName('chsink-bench'),
      SINK_EVENTS_TOPIC: topic,
      SINK_KPI_TOPIC: kpiTopic,
      SINK_DLQ_TOPIC: dlqTopic,
      SINK_MAX_BATCH_ROWS: String(batchRows),
      SINK_MIGRATE: 'false',
      OPS_PORT: String(opsPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const ops = `http://127.0.0.1:${opsPort}`;
const get = async (p: string) => {
  try {
    const res = await fetch(`${ops}${p}`);
    return { status: res.status, text: await res.text() };
  } catch {
    return { status: 0, text: '' };
  }
};
const metric = (text: string, name: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

// A sink that dies (out of heap under --max-old-space-size) ends the bench instead of hanging it.
let exited: string | undefined;
child.on('exit', (code, signal) => (exited = `sink exited (${signal ?? code}) before writing every row`));
const alive = () => {
  if (exited) throw new Error(exited);
};
while ((await get('/readyz')).status !== 200) {
  alive();
  await sleep(50);
}
const started = Date.now();
const cpu0 = cpuSeconds(child.pid!) ?? 0;
let peakRss = 0;
let written = 0;
while (written < rowCount) {
  await sleep(100);
  alive();
  written = metric((await get('/metrics')).text, 'retail_sink_rows_written_total');
  peakRss = Math.max(peakRss, rssMiB(child.pid!) ?? 0);
}
const sinkSeconds = (Date.now() - started) / 1000;
const sinkCpu = (cpuSeconds(child.pid!) ?? 0) - cpu0;
const finalMetrics = (await get('/metrics')).text;
const inserts = metric(finalMetrics, 'retail_sink_batch_size_count');
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
const sinkRate = rowCount / sinkSeconds;
const check = await sinkClient.query({
  query:
    'SELECT (SELECT count() FROM sales FINAL) + (SELECT count() FROM sale_lines FINAL) + (SELECT count() FROM payments FINAL) + (SELECT count() FROM inventory_movements FINAL) AS n',
  format: 'JSONEachRow',
});
const collapsed = Number((await check.json<{ n: string }>())[0]!.n);
say(
  `sink: ${fmt(rowCount)} rows in ${sinkSeconds.toFixed(2)} s = ${fmt(sinkRate)} rows/s (${fmt(events.length / sinkSeconds)} events/s), ${fmt(inserts)} flushes, CPU ${((sinkCpu / sinkSeconds) * 100).toFixed(0)}% of a core, peak RSS ${peakRss.toFixed(0)} MiB; collapsed rows in ClickHouse ${fmt(collapsed)}`,
);

// ── ceiling: the same rows straight into ClickHouse ───────────────────────────────────────────
const direct = await freshDb(directDb);
const clientStarted = Date.now();
await Promise.all(
  [...rows].map(async ([table, list]) => {
    for (const part of chunk(list, batchRows))
      await direct.insert({ table, values: part, format: 'JSONEachRow' });
  }),
);
const clientRate = rowCount / ((Date.now() - clientStarted) / 1000);
const bodies = [...rows].map(([table, list]) => ({
  table,
  parts: chunk(list, batchRows).map((p) => p.map((r) => JSON.stringify(r)).join('\n')),
}));
const httpStarted = Date.now();
await Promise.all(
  bodies.map(async ({ table, parts }) => {
    for (const body of parts) {
      const q = encodeURIComponent(`INSERT INTO ${directDb}.${table} FORMAT JSONEachRow`);
      const res = await fetch(`${chUrl}/?query=${q}`, { method: 'POST', body });
      if (!res.ok) throw new Error(`direct insert into ${table}: ${res.status} ${await res.text()}`);
    }
  }),
);
const httpRate = rowCount / ((Date.now() - httpStarted) / 1000);
const binaryBodies = CH_TABLES.map((t) => {
  const list = rows.get(t.table) ?? [];
  const parts: EncodedPart[] = list.length > 0 ? encodeRows(new Map([[t.table, list]])).get(t.table)! : [];
  return {
    query: rowBinaryInsert(t).replace('INSERT INTO ', `INSERT INTO ${directDb}.`),
    parts: insertBodies(parts, batchRows),
  };
});
const binaryStarted = Date.now();
await Promise.all(
  binaryBodies.map(async ({ query, parts }) => {
    for (const { bytes } of parts) {
      const res = await fetch(`${chUrl}/?query=${encodeURIComponent(query)}`, {
        method: 'POST',
        body: bytes,
      });
      if (!res.ok) throw new Error(`direct RowBinary insert: ${res.status} ${await res.text()}`);
    }
  }),
);
const binaryRate = rowCount / ((Date.now() - binaryStarted) / 1000);
say(
  `ceiling: @clickhouse/client insert loop ${fmt(clientRate)} rows/s; prepared JSONEachRow over HTTP ${fmt(httpRate)} rows/s; prepared RowBinary over HTTP ${fmt(binaryRate)} rows/s`,
);

// The sink's tables must hold exactly what the direct inserts wrote (three copies there, collapsed by FINAL).
for (const t of CH_TABLES) {
  // A NULL argument would make the whole hash NULL (and sum() skip the row): hash null-ness and value.
  const columns = t.columns
    .map(([c, type]) => (type.startsWith('Nullable') ? `isNull(${c}), ifNull(${c}, '')` : c))
    .join(', ');
  const digest = async (db: string) => {
    const r = await admin.query({
      query: `SELECT count() AS n, sum(cityHash64(${columns})) AS h FROM ${db}.${t.table} FINAL`,
      format: 'JSONEachRow',
    });
    return JSON.stringify(await r.json());
  };
  const [ours, theirs] = [await digest(sinkDb), await digest(directDb)];
  if (ours !== theirs) throw new Error(`${t.table}: sink wrote ${ours}, direct inserts ${theirs}`);
}
say('content: every table in the sink database equals the direct inserts (count and column hash, FINAL)');
say(
  `ratio sink / client loop = ${(sinkRate / clientRate).toFixed(2)}, sink / HTTP = ${(sinkRate / httpRate).toFixed(2)}, sink / RowBinary HTTP = ${(sinkRate / binaryRate).toFixed(2)}; target ≥ 100,000 rows/s: ${sinkRate >= 100_000 ? 'met' : 'NOT met'}`,
);

// ── cleanup ───────────────────────────────────────────────────────────────────────────────────
if (!args.keep) {
  await admin.command({ query: `DROP DATABASE IF EXISTS ${sinkDb}` });
  await admin.command({ query: `DROP DATABASE IF EXISTS ${directDb}` });
  const a = kafka.admin();
  await a.connect();
  await a.deleteTopics({ topics: [topic, kpiTopic, dlqTopic] }).catch(() => undefined);
  await a.disconnect();
}
await Promise.allSettled([sinkClient.close(), direct.close(), admin.close()]);
