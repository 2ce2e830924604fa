#!/usr/bin/env tsx
/**
 * npm run bench:checkout -- [--rate 200] [--seconds 30] [--warmup 10] [--lines 3] [--terminals 10] [--client http|fetch] [--node-arg X]…
 *
 * Open-loop load on a real store-edge process (its own Node process and database, as deployed):
 * each sale is open → N × add item → cash payment → finalize, started at a fixed rate whether or
 * not earlier sales finished, so a slow server shows up as latency rather than a lower offered load.
 * Reports finalize latency (the issue's target: p99 ≤ 50 ms at 100 finalized sales/s), per-step
 * latency, achieved rate, errors, the server's RSS, and the CPU of the server, of the store
 * database's Postgres backends and of this client over the run (all three share the box). A
 * warm-up at the same rate comes first and is reported apart (a cold server's first seconds).
 *
 * `--node-arg` (repeatable) is passed to the server's node, e.g. `--node-arg=--cpu-prof
 * --node-arg=--cpu-prof-dir=/tmp/prof` for a CPU profile, or `--node-arg=--import=./bench/count-queries.ts`
 * to print SQL statements per request at exit.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { serviceEnv } from '@retail-stream/infra';
import { SERVICE_PROCESS_ENV, serviceRunArgs } from '@retail-stream/scripts/bundle';
import { cpuSeconds, rssMiB } from '@retail-stream/runtime';
import { freePort } from '@retail-stream/runtime/testing';
import { formatMs, summarize } from '@retail-stream/runtime/testing';
import { generateCatalogue, generateStores } from '@retail-stream/fixtures';
import pg from 'pg';
import { storeDatabaseUrl } from '../src/db/store-database.ts';
import { seedStore } from '../src/seed-runner.ts';
import { hashToken } from '../src/terminal-auth.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    /** Seconds at the same rate before the measured phase, reported apart (0: none). */
    warmup: { type: 'string', default: '10' },
    lines: { type: 'string', default: '3' },
    terminals: { type: 'string', default: '10' },
    'node-arg': { type: 'string', multiple: true, default: [] },
    /** The terminals' HTTP client: node:http (default) or fetch, to compare the client's own cost. */
    client: { type: 'string', default: 'http' },
    /** The edge runs from its bundle, as its container does; this runs src/main.ts through tsx. */
    'from-source': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const linesPerSale = Number(values.lines);
const terminals = Array.from({ length: Number(values.terminals) }, (_, i) => `T${i + 1}`);
const pgUrl = serviceEnv().PG_URL!;

const [store] = generateStores(1, { prefix: 'bench', first: 100 + crypto.randomInt(800) });
const catalogue = generateCatalogue(2000);
process.stdout.write(`seeding ${store!.store_id} (2,000 SKUs)…\n`);
await seedStore(pgUrl, store!, catalogue);

const tokens = Object.fromEntries(terminals.map((t) => [t, crypto.randomBytes(18).toString('base64url')]));
const port = await freePort();
const runArgs = await serviceRunArgs('producers/store-edge/src/main.ts', {
  fromSource: values['from-source'],
});
const child = spawn(process.execPath, [...values['node-arg'], ...runArgs], {
  env: {
    ...process.env,
    ...SERVICE_PROCESS_ENV,
    STORE_ID: store!.store_id,
    PG_URL: pgUrl,
    EDGE_PORT: String(port),
    PG_POOL_MAX: '20',
    LOG_LEVEL: 'warn',
    EDGE_TERMINAL_TOKENS: Object.entries(tokens)
      .map(([t, tok]) => `${t}:${hashToken(tok)}`)
      .join(','),
    EDGE_CUSTOMER_HMAC_KEY: crypto.randomBytes(32).toString('hex'),
    EDGE_QR_CALLBACK_SECRET: crypto.randomBytes(16).toString('hex'),
    EDGE_PAYMENT_PROVIDER: 'fake',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  const ok = await fetch(`${base}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  if (i > 300) throw new Error('store-edge did not become ready');
  await sleep(100);
}

/** This process's CPU seconds (user + system). */
function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds used so far by the Postgres backends serving the bench store's database (/proc). */
function storeBackendsCpu(): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres:') && cmd.includes(` ${storeDb} `)) total += cpuSeconds(Number(pid)) ?? 0;
    } catch {
      // gone between the listing and the read
    }
  }
  return total;
}
const storeDb = new URL(storeDatabaseUrl(pgUrl, store!.store_id)).pathname.slice(1);

/** What one phase (warm-up or measured) saw. */
interface Tally {
  steps: Record<string, number[]>;
  finalized: number;
  errors: number;
  /**
   * Medicines whose unexpired lots ran out are refused by design (INSUFFICIENT_LOT_STOCK): a
   * store's answer, not a fault, so they are counted apart from errors.
   */
  lotRefusals: number;
  errorSamples: string[];
}

const newTally = (): Tally => ({
  steps: { open: [], item: [], pay: [], finalize: [], sale: [] },
  finalized: 0,
  errors: 0,
  lotRefusals: 0,
  errorSamples: [],
});

async function call(
  terminal: string,
  pathName: string,
  body: unknown,
  step: string,
  tally: Tally,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const send = values.client === 'fetch' ? postWithFetch : post;
  const { status, json } = await send(pathName, tokens[terminal]!, JSON.stringify(body));
  tally.steps[step]!.push(performance.now() - started);
  if (status >= 300) throw new Error(`${step} ${status} ${JSON.stringify(json).slice(0, 200)}`);
  return json;
}

// The terminals' HTTP client: node:http on keep-alive sockets. It shares the box with the server
// and Postgres, so it must be cheap: fetch (undici) cost ~0.6 ms of CPU per request here, a third
// of the box at 100 sales/s (docs/BENCHMARKS.md, 2026-12-07 evening).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

async function postWithFetch(
  pathName: string,
  token: string,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${pathName}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': crypto.randomUUID(),
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function post(
  pathName: string,
  token: string,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${pathName}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
          'idempotency-key': crypto.randomUUID(),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> });
          } catch (err) {
            reject(err as Error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function sale(n: number, tally: Tally): Promise<void> {
  const terminal = terminals[n % terminals.length]!;
  const started = performance.now();
  try {
    const tx = await call(terminal, '/v1/transactions', { cashier_id: `C${n % 7}` }, 'open', tally);
    const id = String(tx.id ?? tx.transaction_id);
    for (let i = 0; i < linesPerSale; i++) {
      const product = catalogue[crypto.randomInt(catalogue.length)]!;
      await call(
        terminal,
        `/v1/transactions/${id}/items`,
        { barcode: product.barcode, quantity: 1 + crypto.randomInt(3) },
        'item',
        tally,
      );
    }
    await call(terminal, `/v1/transactions/${id}/payments`, { method: 'CASH' }, 'pay', tally);
    await call(terminal, `/v1/transactions/${id}/finalize`, {}, 'finalize', tally);
    tally.finalized++;
    tally.steps.sale!.push(performance.now() - started);
  } catch (err) {
    if (
      (err as Error).message.startsWith('finalize 409') &&
      (err as Error).message.includes('INSUFFICIENT_LOT_STOCK')
    ) {
      tally.lotRefusals++;
      return;
    }
    tally.errors++;
    // node:http's errors carry their code; fetch's say why only in their cause (ECONNRESET, …).
    const e = err as { code?: string; cause?: { code?: string; message?: string } };
    const code = e.code ?? e.cause?.code ?? e.cause?.message;
    if (tally.errorSamples.length < 3)
      tally.errorSamples.push(`${(err as Error).message}${code ? ` (${code})` : ''}`);
  }
}

// Ceiling measured in the same run: plain round trips (SELECT 1) on 10 connections to the store
// database for 3 s, the floor under any SQL statement, so a reader sees the sale rate the round
// trips alone would allow (a sale is 11 of them: sql-round-trips.int.test.ts).
const ROUND_TRIPS_PER_SALE = 11;
const raw = new pg.Pool({ connectionString: storeDatabaseUrl(pgUrl, store!.store_id), max: 10 });
let roundTrips = 0;
const rawUntil = performance.now() + 3_000;
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (performance.now() < rawUntil) {
      await raw.query('SELECT 1');
      roundTrips++;
    }
  }),
);
await raw.end();
const rawPerSecond = roundTrips / 3;
process.stdout.write(
  `ceiling: raw pg ${Math.round(rawPerSecond).toLocaleString('en')} round trips/s on 10 connections = ${Math.round(rawPerSecond / ROUND_TRIPS_PER_SALE)} sales/s at ${ROUND_TRIPS_PER_SALE} round trips per sale\n`,
);

/** Offers `rate` sales/s for `durationS` seconds (open loop) and waits for the last to end. */
async function runPhase(durationS: number, tally: Tally, label: string): Promise<number> {
  const inflight = new Set<Promise<void>>();
  const began = performance.now();
  const total = Math.round(rate * durationS);
  for (let n = 0; n < total; n++) {
    const due = began + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const p = sale(n, tally).finally(() => inflight.delete(p));
    inflight.add(p);
    if (process.stdout.isTTY && n % rate === 0)
      process.stdout.write(
        `\r  ${label}: ${n}/${total} started, ${tally.finalized} finalized, ${tally.errors} errors`,
      );
  }
  await Promise.all(inflight);
  return (performance.now() - began) / 1000;
}

function report(tally: Tally, elapsed: number, heading: string): void {
  console.log(
    `${heading}: finalized ${tally.finalized} in ${elapsed.toFixed(1)}s = ${(tally.finalized / elapsed).toFixed(1)} sales/s; errors ${tally.errors}; medicine sales refused for lack of unexpired lots ${tally.lotRefusals}`,
  );
  for (const [step, samples] of Object.entries(tally.steps))
    console.log(`  ${step.padEnd(9)} ${formatMs(summarize(samples))}`);
  if (tally.errorSamples.length) console.log(`  first errors: ${tally.errorSamples.join(' | ')}`);
}

// A server just started runs unoptimised code and opens its pool's connections: the first seconds
// at full rate queue up and take a while to drain (about 6 s at 100 sales/s on this box). That is
// reported on its own, and the measured phase starts on a warm server.
const warm = newTally();
let warmElapsed = 0;
if (warmupSeconds > 0) {
  process.stdout.write(`warming up: ${rate} sales/s for ${warmupSeconds}s…\n`);
  warmElapsed = await runPhase(warmupSeconds, warm, 'warm-up');
}
process.stdout.write(
  `offering ${rate} sales/s for ${seconds}s (${linesPerSale} lines each, ${terminals.length} terminals)…\n`,
);
const measured = newTally();
const cpuAtStart = { edge: cpuSeconds(child.pid!) ?? 0, bench: processCpuSeconds(), pg: storeBackendsCpu() };
const elapsed = await runPhase(seconds, measured, 'measured');
const cpu = {
  edge: (cpuSeconds(child.pid!) ?? 0) - cpuAtStart.edge,
  bench: processCpuSeconds() - cpuAtStart.bench,
  pg: storeBackendsCpu() - cpuAtStart.pg,
};
const rss = rssMiB(child.pid!);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));

console.log(`\n\ncheckout bench — ${new Date().toISOString()} — ${store!.store_id}`);
if (warmupSeconds > 0)
  report(warm, warmElapsed, `warm-up (cold server), offered ${rate}/s for ${warmupSeconds}s`);
report(measured, elapsed, `measured, offered ${rate}/s for ${seconds}s`);
console.log(`  store-edge RSS at end: ${rss} MiB`);
const perSale = (s: number) => `${((s * 1000) / Math.max(1, measured.finalized)).toFixed(2)} ms`;
console.log(
  `  CPU over the measured phase (cores; ms per finalized sale): store edge ${(cpu.edge / elapsed).toFixed(2)} (${perSale(cpu.edge)}), ` +
    `Postgres backends of the store database ${(cpu.pg / elapsed).toFixed(2)} (${perSale(cpu.pg)}), ` +
    `bench client ${(cpu.bench / elapsed).toFixed(2)} (${perSale(cpu.bench)}), of ${os.cpus().length} cores`,
);
