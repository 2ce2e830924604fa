#!/usr/bin/env tsx
/**
 * npm run bench:checkout -- [--rate 200] [--seconds 30] [--lines 3] [--terminals 10] [--node-arg X]…
 *
 * Open-loop load on a real store-edge process (its own Node process and database, as deployed):
 * each sale is open → N × add item → cash payment → finalize, started at a fixed rate whether or
 * not earlier sales finished, so a slow server shows up as latency rather than a lower offered load.
 * Reports finalize latency (the issue's target: p99 ≤ 50 ms at 200 finalized sales/s), per-step
 * latency, achieved rate, errors and the server's RSS.
 *
 * `--node-arg` (repeatable) is passed to the server's node, e.g. `--node-arg=--cpu-prof
 * --node-arg=--cpu-prof-dir=/tmp/prof` for a CPU profile, or `--node-arg=--import=./bench/count-queries.ts`
 * to print SQL statements per request at exit.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serviceEnv } from '@retail-stream/infra';
import { rssMiB } from '@retail-stream/runtime';
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
    lines: { type: 'string', default: '3' },
    terminals: { type: 'string', default: '10' },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const linesPerSale = Number(values.lines);
const terminals = Array.from({ length: Number(values.terminals) }, (_, i) => `T${i + 1}`);
const pgUrl = serviceEnv().PG_URL!;
const mainTs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

const [store] = generateStores(1, { prefix: 'bench', first: 100 + crypto.randomInt(800) });
const catalogue = generateCatalogue(2000);
process.stdout.write(`seeding ${store!.store_id} (2,000 SKUs)…\n`);
await seedStore(pgUrl, store!, catalogue);

const tokens = Object.fromEntries(terminals.map((t) => [t, crypto.randomBytes(18).toString('base64url')]));
const port = await freePort();
const child = spawn(process.execPath, ['--import', 'tsx', ...values['node-arg'], mainTs], {
  env: {
    ...process.env,
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

const steps: Record<string, number[]> = { open: [], item: [], pay: [], finalize: [], sale: [] };
let errors = 0;
// Medicines whose unexpired lots ran out are refused by design (INSUFFICIENT_LOT_STOCK): a store's
// answer, not a fault, so they are counted apart from errors.
let lotRefusals = 0;
let finalized = 0;
const errorSamples: string[] = [];

async function call(
  terminal: string,
  pathName: string,
  body: unknown,
  step: string,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const res = await fetch(`${base}${pathName}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[terminal]}`,
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  steps[step]!.push(performance.now() - started);
  if (res.status >= 300) throw new Error(`${step} ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return json;
}

async function sale(n: number): Promise<void> {
  const terminal = terminals[n % terminals.length]!;
  const started = performance.now();
  try {
    const tx = await call(terminal, '/v1/transactions', { cashier_id: `C${n % 7}` }, 'open');
    const id = String(tx.id ?? tx.transaction_id);
    for (let i = 0; i < linesPerSale; i++) {
      const product = catalogue[crypto.randomInt(catalogue.length)]!;
      await call(
        terminal,
        `/v1/transactions/${id}/items`,
        { barcode: product.barcode, quantity: 1 + crypto.randomInt(3) },
        'item',
      );
    }
    await call(terminal, `/v1/transactions/${id}/payments`, { method: 'CASH' }, 'pay');
    await call(terminal, `/v1/transactions/${id}/finalize`, {}, 'finalize');
    finalized++;
    steps.sale!.push(performance.now() - started);
  } catch (err) {
    if (
      (err as Error).message.startsWith('finalize 409') &&
      (err as Error).message.includes('INSUFFICIENT_LOT_STOCK')
    ) {
      lotRefusals++;
      return;
    }
    errors++;
    // fetch's own failures say why only in their cause (ECONNRESET, a timeout, …).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (errorSamples.length < 3)
      errorSamples.push(`${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`);
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

process.stdout.write(
  `offering ${rate} sales/s for ${seconds}s (${linesPerSale} lines each, ${terminals.length} terminals)…\n`,
);
const inflight = new Set<Promise<void>>();
const began = performance.now();
const total = Math.round(rate * seconds);
for (let n = 0; n < total; n++) {
  const due = began + (n * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await sleep(wait);
  const p = sale(n).finally(() => inflight.delete(p));
  inflight.add(p);
  if (process.stdout.isTTY && n % rate === 0)
    process.stdout.write(`\r  ${n}/${total} started, ${finalized} finalized, ${errors} errors`);
}
await Promise.all(inflight);
const elapsed = (performance.now() - began) / 1000;
const rss = rssMiB(child.pid!);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));

console.log(`\n\ncheckout bench — ${new Date().toISOString()} — ${store!.store_id}`);
console.log(
  `offered ${rate}/s for ${seconds}s; finalized ${finalized} in ${elapsed.toFixed(1)}s = ${(finalized / elapsed).toFixed(1)} sales/s; errors ${errors}; medicine sales refused for lack of unexpired lots ${lotRefusals}`,
);
for (const [step, samples] of Object.entries(steps))
  console.log(`  ${step.padEnd(9)} ${formatMs(summarize(samples))}`);
console.log(`  store-edge RSS at end: ${rss} MiB`);
if (errorSamples.length) console.log(`  first errors: ${errorSamples.join(' | ')}`);
