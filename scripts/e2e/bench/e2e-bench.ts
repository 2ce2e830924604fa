import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@clickhouse/client';
import pg from 'pg';
import { z } from 'zod';
import { clickhouseClientOptions, parseCliOrExit, seededRandom, sqlString } from '@retail-stream/runtime';
import {
  cassandraConnectionConfig,
  createCassandraClient,
  transactionById,
} from '@retail-stream/cassandra-sink';
import { storeDatabaseUrl } from '@retail-stream/store-edge';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { formatMs, summarize } from '@retail-stream/runtime/testing';
import { pipelineGroups } from '../src/pipeline/pipeline-spec.ts';
import { startIsolated, teardownIsolated, type IsolatedRun } from '../src/pipeline/isolated-run.ts';
import { localEndpoints } from '../src/pipeline/local-endpoints.ts';

/**
 * `npm run bench:e2e -- --rates 200,1000,3000 --seconds 120 --backlog 100000`
 *
 * The whole pipeline, isolated (own topics, schema, databases, keyspace), with the real store
 * simulator. Latency phase, per offered rate: a sample of the sales the stores acknowledged (read
 * from the ledger as it is written, every 50 ms) is polled in every sink until visible, one
 * independent loop per sink every POLL_MS; latency = first poll that sees it − the sale's
 * finalized_at at the store. Catch-up phase: one store offline until its
 * outbox holds --backlog events, then online; time until every sink holds all of them.
 * Everything is measured from outside (sampling), no service is instrumented.
 */

const values = parseCliOrExit({
  usage:
    'usage: bench:e2e [--rates 200,1000,3000] [--seconds 120] [--backlog 100000] [--stores 10] [--terminals 6] [--samples-per-s 20]',
  options: {
    rates: { type: 'string', default: '200,1000,3000' },
    seconds: { type: 'string', default: '120' },
    backlog: { type: 'string', default: '100000' },
    stores: { type: 'string', default: '10' },
    terminals: { type: 'string', default: '6' },
    'samples-per-s': { type: 'string', default: '20' },
  },
  schema: z.object({
    rates: z
      .string()
      .transform((v) => v.split(',').map(Number))
      .refine((rs) => rs.every((r) => r > 0), 'comma-separated rates above 0'),
    seconds: z.coerce.number().gt(0),
    backlog: z.coerce.number().min(0),
    stores: z.coerce.number().min(1),
    terminals: z.coerce.number().min(1),
    'samples-per-s': z.coerce.number(),
  }),
});
const { rates, seconds, backlog, stores, terminals } = values;
const samplesPerS = values['samples-per-s'];

const endpoints = localEndpoints();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'retail-e2e-bench-'));
const say = (line: string) => process.stdout.write(`${line}\n`);

// Ctrl-C / SIGTERM end the current phase and still tear the run down (topics, databases, keyspace).
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (interrupted = true));
const checkInterrupted = () => {
  if (interrupted) throw new Error('interrupted');
};

/** The simulator as the pipeline spec defines it, with this phase's options; `storeIds` narrows it. */
function spawnSimulator(
  run: IsolatedRun,
  opts: { rate: number; duration: number; ledger: string; storeIds?: string[] },
): ChildProcess {
  const { groups } = pipelineGroups({
    endpoints,
    ports: run.ports,
    stores,
    terminalsPerStore: terminals,
    runSuffix: run.runSuffix,
    skus: 300,
    dashboard: false,
    logLevel: 'warn',
    secrets: run.secrets,
    simulator: {
      rate: opts.rate,
      duration: opts.duration,
      terminals,
      offline: [],
      ledger: opts.ledger,
      seed: 7,
    },
  });
  const spec = groups.at(-1)![0]!;
  const args = [...spec.args!];
  if (opts.storeIds) {
    const i = args.indexOf('--stores');
    args.splice(i, 2, '--store-ids', opts.storeIds.join(','));
  }
  const child = spawn(spec.command, args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

/** New complete lines of a file that is still being written. */
class LineTail {
  private offset = 0;
  private rest = '';
  constructor(private readonly file: string) {}
  read(): string[] {
    if (!fs.existsSync(this.file)) return [];
    const fd = fs.openSync(this.file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.rest + buf.toString('utf8');
      const lines = text.split('\n');
      this.rest = lines.pop() ?? '';
      return lines.filter((l) => l.trim() !== '');
    } finally {
      fs.closeSync(fd);
    }
  }
}

type Sink = 'postgres' | 'clickhouse' | 'cassandra' | 'kpi';
const SINKS: Sink[] = ['postgres', 'clickhouse', 'cassandra', 'kpi'];
/** How often each sink is asked about its pending samples (the latencies' resolution). */
const POLL_MS = 100;

interface Sample {
  id: string;
  store: string;
  origin: number;
  /** The store's n-th sale since the pipeline started: its D1_LOCAL orders must reach n. */
  ordinal: number;
  seen: Partial<Record<Sink, number>>;
}

async function main(): Promise<void> {
  const run = await startIsolated({
    endpoints,
    stores,
    terminalsPerStore: terminals,
    skus: 300,
    logLevel: 'warn',
  });
  const n = run.names;
  const hq = new pg.Client({ connectionString: endpoints.PG_URL });
  await hq.connect();
  // The KPI poller has a connection of its own, so it never queues behind the Postgres poller.
  const kpiHq = new pg.Client({ connectionString: endpoints.PG_URL });
  await kpiHq.connect();
  const ch = createClient({
    ...clickhouseClientOptions(endpoints.CLICKHOUSE_URL),
    database: n.clickhouseDatabase,
  });
  const cass = createCassandraClient(
    cassandraConnectionConfig.parse({
      CASSANDRA_CONTACT_POINTS: endpoints.CASSANDRA_CONTACT_POINTS,
      CASSANDRA_LOCAL_DC: endpoints.CASSANDRA_LOCAL_DC,
    }),
  );
  const ordinals = new Map<string, number>();
  const results: string[] = [];
  try {
    say(
      `pipeline up (run ${run.runSuffix}, ${stores} stores x ${terminals} tills); machine ${os.cpus().length} cores, shared`,
    );

    // One poller per sink, each in its own loop: a slow query of one sink (Cassandra reads one row
    // per pending sample) must not delay when the others are seen.
    const pollers: Record<Sink, (pending: Sample[]) => Promise<void>> = {
      postgres: async (pending) => {
        const { rows } = await hq.query(
          `SELECT transaction_id FROM "${n.pgSchema}".hq_transactions WHERE transaction_id = ANY($1) AND sale_event_id IS NOT NULL`,
          [pending.map((p) => p.id)],
        );
        const t = Date.now();
        const got = new Set(rows.map((r) => r.transaction_id as string));
        for (const p of pending) if (got.has(p.id)) p.seen.postgres ??= t;
      },
      clickhouse: async (pending) => {
        const rs = await ch.query({
          query: `SELECT transaction_id FROM sales WHERE transaction_id IN (${pending.map((p) => sqlString(p.id)).join(',')})`,
          format: 'JSONEachRow',
        });
        const t = Date.now();
        const got = new Set((await rs.json<{ transaction_id: string }>()).map((r) => r.transaction_id));
        for (const p of pending) if (got.has(p.id)) p.seen.clickhouse ??= t;
      },
      cassandra: async (pending) => {
        await Promise.all(
          pending.map(async (p) => {
            const v = await transactionById(cass, n.cassandraKeyspace, p.id, p.store);
            if (v?.totalMinor !== null && v?.totalMinor !== undefined) p.seen.cassandra ??= Date.now();
          }),
        );
      },
      kpi: async (pending) => {
        const { rows } = await kpiHq.query(
          `SELECT scope, max(orders) AS orders FROM "${n.pgSchema}".kpi_windows WHERE window_size = 'D1_LOCAL' AND scope LIKE 'store:%' GROUP BY scope`,
        );
        const t = Date.now();
        const orders = new Map(rows.map((r) => [r.scope as string, Number(r.orders)]));
        for (const p of pending) if ((orders.get(`store:${p.store}`) ?? 0) >= p.ordinal) p.seen.kpi ??= t;
      },
    };
    const pollUntil = async (samples: Sample[], stop: { now: boolean }) => {
      await Promise.all(
        SINKS.map(async (sink) => {
          while (!stop.now) {
            const pending = samples.filter((s) => s.seen[sink] === undefined);
            if (pending.length > 0) await pollers[sink](pending);
            await sleep(POLL_MS);
          }
        }),
      );
    };

    for (const rate of rates) {
      const ledger = path.join(tmp, `ledger-${rate}.jsonl`);
      const tail = new LineTail(ledger);
      const every = Math.max(1, Math.round(rate / samplesPerS));
      const samples: Sample[] = [];
      const stopPolling = { now: false };
      const polling = pollUntil(samples, stopPolling);
      let sales = 0;
      let firstAt = 0;
      let lastAt = 0;
      const sim = spawnSimulator(run, { rate, duration: seconds, ledger });
      const exited = once(sim, 'exit');
      let done = false;
      void exited.then(() => (done = true));
      const drainDeadline = () => Date.now() + 120_000;
      let deadline = Number.POSITIVE_INFINITY;
      for (;;) {
        for (const line of tail.read()) {
          const rec = JSON.parse(line) as {
            kind: string;
            store_id: string;
            transaction_id: string;
            finalized_at: string;
          };
          if (rec.kind !== 'sale') continue;
          const ordinal = (ordinals.get(rec.store_id) ?? 0) + 1;
          ordinals.set(rec.store_id, ordinal);
          sales += 1;
          const origin = Date.parse(rec.finalized_at);
          firstAt ||= origin;
          lastAt = origin;
          if (sales % every === 0)
            samples.push({ id: rec.transaction_id, store: rec.store_id, origin, ordinal, seen: {} });
        }
        const pending = samples.filter((s) => SINKS.some((k) => s.seen[k] === undefined));
        if (done && deadline === Number.POSITIVE_INFINITY) deadline = drainDeadline();
        if (done && (pending.length === 0 || Date.now() > deadline)) break;
        if (interrupted) sim.kill('SIGTERM');
        checkInterrupted();
        await sleep(POLL_MS / 2);
      }
      stopPolling.now = true;
      await polling;
      const achieved = sales / Math.max(1, (lastAt - firstAt) / 1000);
      const lines = [
        `rate ${rate}/s offered for ${seconds} s: ${sales} sales acknowledged, achieved ${achieved.toFixed(1)} sales/s; ${samples.length} sampled`,
      ];
      for (const sink of SINKS) {
        const lat = samples.filter((s) => s.seen[sink] !== undefined).map((s) => s.seen[sink]! - s.origin);
        const unseen = samples.length - lat.length;
        lines.push(
          `  ${sink.padEnd(10)} ${formatMs(summarize(lat))}${unseen > 0 ? `  (${unseen} not visible within 120 s)` : ''}`,
        );
      }
      for (const l of lines) say(l);
      results.push(...lines);
    }

    if (backlog > 0) {
      const store = run.storeIds[0]!;
      const host = `http://127.0.0.1:${run.ports.storeHostOps}`;
      const storeDb = new pg.Client({ connectionString: storeDatabaseUrl(endpoints.PG_URL, store) });
      await storeDb.connect();
      const outbox = async () => {
        const { rows } = await storeDb.query(
          `SELECT count(*) FILTER (WHERE published_at IS NULL) AS unpublished, coalesce(max(store_seq), 0) AS last,
                  count(*) FILTER (WHERE event_type = 'SaleRecorded') AS sales FROM outbox`,
        );
        return {
          unpublished: Number(rows[0].unpublished),
          last: Number(rows[0].last),
          sales: Number(rows[0].sales),
        };
      };
      const post = async (what: 'offline' | 'online') => {
        const res = await fetch(`${host}/control/stores/${store}/${what}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${run.secrets.hostControlToken}` },
        });
        if (!res.ok) throw new Error(`host ${what}: HTTP ${res.status}`);
      };
      await post('offline');
      // The backlog goes straight into the outbox (as the relay benchmark does): a store edge on
      // this machine sells a few sales/s, so queueing 100,000 events by selling would take hours.
      // Same table, same store_seq sequence, same payload format as checkout writes.
      const fillStart = Date.now();
      const [{ last_seq: lastSeq }] = (
        await storeDb.query('SELECT last_seq FROM store_sequence WHERE store_id = $1', [store])
      ).rows as [{ last_seq: string }];
      const factory = new StoreEventFactory(store, seededRandom(7), Number(lastSeq) + 1);
      for (let done = 0; done < backlog;) {
        const batch = factory.sales(Math.min(5_000, backlog - done));
        await storeDb.query(
          `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
           SELECT $1, e.store_seq, e.event_id, e.event_type, to_timestamp(e.occurred_at / 1000.0), e.trace_id, e.payload
             FROM jsonb_to_recordset($2::jsonb)
               AS e(store_seq bigint, event_id uuid, event_type text, trace_id text, occurred_at bigint, payload jsonb)`,
          [store, JSON.stringify(batch.map((ev) => ({ ...ev, payload: ev })))],
        );
        done += batch.length;
      }
      await storeDb.query('UPDATE store_sequence SET last_seq = $2 WHERE store_id = $1', [
        store,
        factory.nextSeq - 1,
      ]);
      const ob = await outbox();
      const fillS = (Date.now() - fillStart) / 1000;
      say(
        `catch-up: ${store} offline, ${ob.unpublished} events queued in its outbox (filled in ${fillS.toFixed(0)} s)`,
      );
      const t0 = Date.now();
      await post('online');
      const reached: Partial<Record<string, number>> = {};
      const deadline = Date.now() + 30 * 60_000;
      while (Object.keys(reached).length < 5 && Date.now() < deadline) {
        const t = Date.now();
        const o = await outbox();
        if (o.unpublished === 0) reached.relay ??= t;
        const inbox = await hq.query(
          `SELECT count(*) AS n FROM "${n.pgSchema}".hq_inbox WHERE store_id = $1`,
          [store],
        );
        if (Number(inbox.rows[0].n) >= ob.last) reached.postgres ??= t;
        const rs = await ch.query({
          query: `SELECT count() AS n FROM sales FINAL WHERE store_id = ${sqlString(store)}`,
          format: 'JSONEachRow',
        });
        const [c] = await rs.json<{ n: string | number }>();
        if (Number(c?.n ?? 0) >= ob.sales) reached.clickhouse ??= t;
        const cs = await cass.execute(
          `SELECT count(*) AS n FROM ${n.cassandraKeyspace}.sales_by_store_day WHERE store_id = ? ALLOW FILTERING`,
          [store],
          { prepare: true },
        );
        if (Number(cs.rows[0]?.get('n') ?? 0) >= ob.sales) reached.cassandra ??= t;
        const k = await hq.query(
          `SELECT max(orders) AS o FROM "${n.pgSchema}".kpi_windows WHERE window_size = 'D1_LOCAL' AND scope = $1`,
          [`store:${store}`],
        );
        if (Number(k.rows[0]?.o ?? 0) >= ob.sales) reached.kpi ??= t;
        checkInterrupted();
        await sleep(2_000);
      }
      await storeDb.end();
      const line = [
        `catch-up of ${ob.unpublished} queued events (${ob.sales} sales in the store's history):`,
      ];
      for (const k of ['relay', 'postgres', 'clickhouse', 'cassandra', 'kpi']) {
        const at = reached[k];
        line.push(
          at
            ? `${k} ${((at - t0) / 1000).toFixed(1)} s (${(ob.unpublished / ((at - t0) / 1000)).toFixed(0)} events/s)`
            : `${k} not complete in 30 min`,
        );
      }
      say(line.join('\n  '));
      results.push(...line);
    }
  } finally {
    await Promise.allSettled([hq.end(), kpiHq.end(), ch.close(), cass.shutdown()]);
    const problems = await teardownIsolated(run, endpoints);
    if (problems.length > 0) say(`teardown: ${problems.join('; ')}`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
