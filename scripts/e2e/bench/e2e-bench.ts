import fs from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { z } from 'zod';
import { parseCliOrExit } from '@retail-stream/runtime';
import { dropClickHouseDatabase, summarize, type LatencySummary } from '@retail-stream/runtime/testing';
import { outboxBacklog, storeDatabaseUrl } from '@retail-stream/store-edge';
import { parseDuration } from '@retail-stream/store-simulator';
import { LoadDriver } from '../src/load/load-driver.ts';
import { startIsolated, teardownIsolated } from '../src/pipeline/isolated-run.ts';
import { localEndpoints } from '../src/pipeline/local-endpoints.ts';
import { measureKafkaHop } from './kafka-hop.ts';
import {
  formatReport,
  WRITING_SINKS,
  type CatchUpResult,
  type E2eReport,
  type PhaseResult,
  type WritingSink,
} from './e2e-report.ts';
import { coresByPart, snapshotCpu } from './process-cpu.ts';
import { POLL_MS, SINKS, SinkProbes, type Sample, type Sink } from './sink-probes.ts';
import { scrapeWriteHistograms, writeStats } from './sink-writes.ts';

const USAGE = `usage: npm run bench:e2e -- [--rates 200,1000,3000] [--duration 2m] [--backlog 100000] [options]

The whole HQ pipeline, isolated (own topics, schema, databases, keyspace), started as the demo
starts it (store host with one relay per store, ingest, KPI windows, the Postgres, ClickHouse and
Cassandra sinks, each as its own Kafka principal), driven by the load driver: realistic events
written straight into the stores' outboxes at each offered rate (open loop). Per rate: p50/p95/p99
from a sale's commit in its store to visible in each sink and in the KPI row, measured on a sample
of sales polled every ${POLL_MS} ms. Then catch-up: one store offline until --backlog events are
queued, then online; time until every sink has all of them.

options:
  --rates R,R,...|none   offered sales/s, one phase each (default 200,1000,3000); none: catch-up only
  --duration D           each phase's load: 20s, 2m, bare seconds (default 2m)
  --backlog N            catch-up events queued in one store; 0 skips it (default 100000)
  --stores N             stores, one relay each (default 10)
  --events-per-sale E    average events per sale (default 7, issue 14; 2.2 = the demo's mix)
  --samples-per-s N      sales sampled per second of load (default 20)
  --drain D              how long to wait after a phase for samples not yet visible (default 120s)
  --no-floor             skip the Kafka produce->consume hop measured as the floor
  --json                 print the results as JSON
  --render FILE          print the tables of a saved --json result and exit (runs nothing)

examples:
  npm run bench:e2e                                          # the full run (quiet machine, ~15 min)
  npm run bench:e2e -- --rates 200,1000 --duration 20s --backlog 0
  npm run bench:e2e -- --rates 1000 --duration 2m --backlog 100000 --json > e2e.json
  npm run bench:e2e -- --rates none --backlog 100000                # catch-up alone, drained pipeline
  npm run bench:e2e -- --render e2e.json`;

const opts = parseCliOrExit({
  usage: USAGE,
  options: {
    rates: { type: 'string', default: '200,1000,3000' },
    duration: { type: 'string', default: '2m' },
    backlog: { type: 'string', default: '100000' },
    stores: { type: 'string', default: '10' },
    'events-per-sale': { type: 'string', default: '7' },
    'samples-per-s': { type: 'string', default: '20' },
    drain: { type: 'string', default: '120s' },
    'no-floor': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    render: { type: 'string' },
  },
  schema: z.object({
    rates: z
      .string()
      // `none`: no rate phase, only the catch-up, on a drained pipeline (after rate phases that
      // saturated it, the backlog would queue behind hours of unprocessed events).
      .transform((v) => (v === 'none' ? [] : v.split(',').map(Number)))
      .refine((rs) => rs.every((r) => r > 0), 'comma-separated rates above 0, or none'),
    duration: z.string().transform(toMs),
    backlog: z.coerce.number().int().min(0),
    stores: z.coerce.number().int().min(1).max(200),
    'events-per-sale': z.coerce.number().min(2.2),
    'samples-per-s': z.coerce.number().positive(),
    drain: z.string().transform(toMs),
    'no-floor': z.boolean(),
    json: z.boolean(),
    render: z.string().optional(),
  }),
});

function toMs(d: string, ctx: z.RefinementCtx): number {
  try {
    return parseDuration(d);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
}

const endpoints = localEndpoints();
const eventsPerSale = opts['events-per-sale'];
const say = (line: string) => {
  if (!opts.json) process.stdout.write(`${line}\n`);
};
const tty = process.stderr.isTTY && !opts.json;
const load1 = () => Math.round(os.loadavg()[0]! * 100) / 100;

// Ctrl-C / SIGTERM end the current phase and still tear the run down (topics, databases, keyspace).
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => abort.abort());
// A stray rejection (a client library's socket) must not kill the run before its teardown.
process.on('unhandledRejection', (err) => {
  process.stderr.write(`unhandled rejection, ending the run: ${(err as Error)?.stack ?? String(err)}\n`);
  abort.abort();
});

async function ratePhase(
  driver: LoadDriver,
  probes: SinkProbes,
  rate: number,
  sinkPorts: Record<WritingSink, number>,
): Promise<PhaseResult> {
  const writesBefore = await scrapeWriteHistograms(sinkPorts);
  const loadBefore = load1();
  // The driver shares this process with the probes: its event-loop delay bounds how late a poll ran.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const every = Math.max(1, Math.round(rate / opts['samples-per-s']));
  const samples: Sample[] = [];
  const stop = { now: false };
  const polling = probes.pollUntil(samples, stop);
  let n = 0;
  const progress = tty
    ? setInterval(() => {
        const seen = samples.filter((s) => SINKS.every((k) => s.seen[k] !== undefined)).length;
        process.stderr.write(
          `\r  ${rate}/s: ${n} sales written, ${seen}/${samples.length} samples in every sink   `,
        );
      }, 1000)
    : undefined;
  const cpuBefore = snapshotCpu();
  const result = await driver.run({
    salesPerSecond: rate,
    sales: Math.round((rate * opts.duration) / 1000),
    signal: abort.signal,
    onAppend: (rec) => {
      for (const s of rec.sales) {
        if (++n % every !== 0) continue;
        samples.push({
          id: s.transactionId,
          store: rec.storeId,
          storeSeq: s.storeSeq,
          scheduledAt: s.scheduledAt,
          committedAt: s.committedAt,
          ordinal: s.ordinal,
          seen: {},
        });
      }
    },
  });
  const cpuAfter = snapshotCpu();
  const deadline = Date.now() + opts.drain;
  while (
    Date.now() < deadline &&
    !abort.signal.aborted &&
    samples.some((s) => SINKS.some((k) => s.seen[k] === undefined))
  )
    await sleep(POLL_MS);
  stop.now = true;
  await polling;
  const writesAfter = await scrapeWriteHistograms(sinkPorts);
  const sinkWrites: PhaseResult['sinkWrites'] = {};
  for (const k of WRITING_SINKS) {
    const stats = writesAfter[k] && writeStats(writesBefore[k], writesAfter[k]);
    if (stats) sinkWrites[k] = stats;
  }
  if (progress) {
    clearInterval(progress);
    process.stderr.write('\n');
  }
  loop.disable();
  const stages = await probes.stages(samples);
  const seenBy = (sink: Sink, from: 'committedAt' | 'scheduledAt') =>
    samples.filter((s) => s.seen[sink] !== undefined).map((s) => s.seen[sink]! - s[from]);
  const staged = [...stages.entries()];
  const stage = (f: (s: Sample, t: (typeof staged)[number][1]) => number | null) =>
    summarize(staged.map(([s, t]) => f(s, t)).filter((v): v is number => v !== null));
  return {
    offeredSalesPerSecond: rate,
    achievedSalesPerSecond: result.achievedSalesPerSecond,
    sales: result.sales,
    events: result.events,
    eventsPerSecond: result.events / Math.max(0.001, result.elapsedMs / 1000),
    loadBefore,
    driverLagMs: summarize(result.lagMs),
    benchLoopDelayMs: {
      p50: loop.percentile(50) / 1e6,
      p99: loop.percentile(99) / 1e6,
      max: loop.max / 1e6,
    },
    samples: samples.length,
    sinks: Object.fromEntries(
      SINKS.map((k) => [
        k,
        {
          fromCommit: summarize(seenBy(k, 'committedAt')),
          fromSchedule: summarize(seenBy(k, 'scheduledAt')),
          unseen: samples.filter((s) => s.seen[k] === undefined).length,
        },
      ]),
    ) as PhaseResult['sinks'],
    ...(cpuBefore && cpuAfter ? { cores: coresByPart(cpuBefore, cpuAfter) } : {}),
    sinkWrites,
    stages: {
      relay: stage((s, t) => (t.rawAt === null ? null : t.rawAt - s.committedAt)),
      ingest: stage((_, t) => (t.rawAt === null || t.enrichedAt === null ? null : t.enrichedAt - t.rawAt)),
      postgresSink: stage((_, t) => (t.enrichedAt === null ? null : t.receivedAt - t.enrichedAt)),
    },
  };
}

async function catchUpPhase(
  run: Awaited<ReturnType<typeof startIsolated>>,
  driver: LoadDriver,
  probes: SinkProbes,
): Promise<CatchUpResult> {
  const store = run.storeIds[0]!;
  const host = `http://127.0.0.1:${run.ports.storeHostOps}`;
  const post = async (what: 'offline' | 'online') => {
    const res = await fetch(`${host}/control/stores/${store}/${what}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${run.secrets.hostControlToken}` },
    });
    if (!res.ok) throw new Error(`host ${what}: HTTP ${res.status}`);
  };
  const storeDb = new pg.Client({ connectionString: storeDatabaseUrl(endpoints.PG_URL, store) });
  await storeDb.connect();
  try {
    await post('offline');
    // The backlog goes through the same writer as the rate phases, as fast as it can (the schedule
    // is all due at once); a second driver on the one store continues its store_seq.
    const filler = await LoadDriver.connect([store], {
      adminUrl: endpoints.PG_URL,
      eventsPerSale,
      seed: 99,
    });
    const before = driver.soldBy(store);
    let last = { id: '', ordinal: 0 };
    const fillStart = Date.now();
    try {
      await filler.run({
        salesPerSecond: 1e9,
        sales: Math.ceil(opts.backlog / eventsPerSale),
        signal: abort.signal,
        onAppend: (rec) => {
          const s = rec.sales.at(-1)!;
          last = { id: s.transactionId, ordinal: before + s.ordinal };
        },
      });
    } finally {
      await filler.close();
    }
    const fillS = (Date.now() - fillStart) / 1000;
    const queued = (await outboxBacklog(storeDb, store)).rows;
    const { rows } = await storeDb.query<{ last: string }>('SELECT max(store_seq)::text AS last FROM outbox');
    const lastSeq = Number(rows[0]!.last);
    const loadBefore = load1();
    const t0 = Date.now();
    await post('online');
    const reached: Partial<Record<'relay' | Sink, number>> = {};
    const deadline = t0 + 30 * 60_000;
    while (Object.keys(reached).length < SINKS.length + 1 && Date.now() < deadline && !abort.signal.aborted) {
      const t = Date.now();
      if ((await outboxBacklog(storeDb, store)).rows === 0) reached.relay ??= t;
      const p = await probes.catchUp(store, last).catch((err: Error) => {
        process.stderr.write(`catch-up probe failed (retrying): ${err.message}\n`);
        return undefined;
      });
      if (!p) {
        await sleep(250);
        continue;
      }
      // Postgres: every event of the store applied (the inbox holds one row per event).
      if (p.inbox >= lastSeq) reached.postgres ??= t;
      for (const k of ['clickhouse', 'cassandra', 'kpi'] as const) if (p[k]) reached[k] ??= t;
      await sleep(250);
    }
    // One partition per store, applied in order: the last sale visible means all are; counted once.
    const counts = await probes.salesCounts(store);
    return {
      store,
      queued,
      fillSeconds: fillS,
      loadBefore,
      sales: last.ordinal,
      counts,
      seconds: Object.fromEntries(
        Object.entries(reached).map(([k, at]) => [k, (at! - t0) / 1000]),
      ) as CatchUpResult['seconds'],
    };
  } finally {
    await storeDb.end();
  }
}

async function main(): Promise<void> {
  const loadAtStart = load1();
  const run = await startIsolated({
    endpoints,
    stores: opts.stores,
    terminalsPerStore: 2,
    skus: 300,
    logLevel: 'warn',
  });
  const probes = await SinkProbes.connect(endpoints, run.names);
  const driver = await LoadDriver.connect(run.storeIds, {
    adminUrl: endpoints.PG_URL,
    eventsPerSale,
    seed: 7,
  });
  const phases: PhaseResult[] = [];
  let catchUp: CatchUpResult | undefined;
  let floor: Awaited<ReturnType<typeof measureKafkaHop>> | undefined;
  try {
    say(
      `pipeline up (run ${run.runSuffix}, ${opts.stores} stores, one relay each; ${eventsPerSale} events/sale); ` +
        `${os.cpus().length} cores, load ${loadAtStart} at start`,
    );
    if (!opts['no-floor']) {
      floor = await measureKafkaHop(endpoints.KAFKA_BROKERS.split(','));
      say(`floor: one Kafka produce->consume hop p50 ${floor.p50} ms, p99 ${floor.p99} ms`);
    }
    for (const rate of opts.rates) {
      if (abort.signal.aborted) break;
      say(`phase ${rate} sales/s for ${opts.duration / 1000} s (load ${load1()})`);
      phases.push(
        await ratePhase(driver, probes, rate, {
          postgres: run.ports.postgresSinkOps,
          clickhouse: run.ports.clickhouseSinkOps,
          cassandra: run.ports.cassandraSinkOps,
        }),
      );
    }
    if (opts.backlog > 0 && !abort.signal.aborted) catchUp = await catchUpPhase(run, driver, probes);
  } finally {
    await driver.close();
    await probes.close();
    const problems = await teardownIsolated(run, endpoints);
    // A DROP DATABASE on a loaded ClickHouse can outlast the client's timeout: try again.
    for (let i = 0; i < 3 && problems.some((p) => p.startsWith('clickhouse')); i++) {
      await sleep(5_000);
      const again = await dropClickHouseDatabase(endpoints.CLICKHOUSE_URL, run.names.clickhouseDatabase).then(
        () => undefined,
        (err: Error) => err.message,
      );
      problems.splice(0, problems.length, ...problems.filter((p) => !p.startsWith('clickhouse')));
      if (again) problems.push(`clickhouse: ${again}`);
    }
    if (problems.length > 0) process.stderr.write(`teardown: ${problems.join('; ')}\n`);
  }
  const report = {
    pollErrors: probes.pollErrors,
    pollMs: Object.fromEntries(SINKS.map((k) => [k, summarize(probes.pollMs[k])])) as Record<
      Sink,
      LatencySummary
    >,
    date: new Date().toISOString(),
    loadAtStart,
    stores: opts.stores,
    eventsPerSale,
    floor,
    phases,
    catchUp,
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else say(formatReport(report));
}

if (opts.render) say(formatReport(JSON.parse(fs.readFileSync(opts.render, 'utf8')) as E2eReport));
else await main();
