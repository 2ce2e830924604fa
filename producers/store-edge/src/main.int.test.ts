import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  shutdownOrderProblems,
  shutdownSteps,
  tolerateDroppedConnections,
  uniqueName,
  waitFor,
  type LogLine,
} from '@retail-stream/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { storeDatabaseName, storeDatabaseUrl } from './db/store-database.ts';
import { makeEan13 } from '@retail-stream/fixtures';
import { hashToken } from './terminal-auth.ts';
import { PG_URL } from '../test/harness.ts';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');
const storeId = uniqueName('m').replace(/-/g, '_');
const token = crypto.randomBytes(16).toString('hex');
const barcode = makeEan13('893999000001');
let child: ChildProcess | undefined;
let db: pg.Pool | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await db?.end();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${storeDatabaseName(storeId)}"`);
  await admin.end();
});

function start(): {
  lines: LogLine[];
  port: Promise<number>;
  exited: Promise<number | null>;
} {
  child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      STORE_ID: storeId,
      PG_URL,
      EDGE_PORT: '0',
      EDGE_TERMINAL_TOKENS: `T1:${hashToken(token)}`,
      EDGE_CUSTOMER_HMAC_KEY: 'k'.repeat(32),
      EDGE_QR_CALLBACK_SECRET: 'q'.repeat(16),
      EDGE_PAYMENT_PROVIDER: 'fake',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_S: '20',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: LogLine[] = [];
  let buffered = '';
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    child!.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as LogLine;
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (line.msg === 'http listening') resolve(line.port as number);
      }
    });
    void exited.then((code) => reject(new Error(`store edge exited early with ${code}`)));
  });
  return { lines, port, exited };
}

describe('main.ts as a real process', () => {
  it('migrates on start, is ready, and on SIGTERM finishes the in-flight sale before closing', async () => {
    const { lines, port, exited } = start();
    const base = `http://127.0.0.1:${await port}`;
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({
      status: 'ready',
      checks: { database: 'ok' },
    });
    expect(lines.some((l) => l.msg === 'migration applied')).toBe(true);
    // EDGE_PAYMENT_PROVIDER=fake is explicit, and says so in the log.
    expect(lines.some((l) => l.payment_provider === 'fake' && l.level === 'warn')).toBe(true);

    db = tolerateDroppedConnections(
      new pg.Pool({ connectionString: storeDatabaseUrl(PG_URL, storeId), max: 2 }),
    );
    await db.query(
      `INSERT INTO local_catalog VALUES ('SKU-M', $1, 'Milk', 'Dairy', 'Vinamilk', 30000, 500)`,
      [barcode],
    );
    const call = (method: string, p: string, body?: unknown) =>
      fetch(`${base}${p}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'idempotency-key': crypto.randomUUID(),
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const sale = (await (await call('POST', '/v1/transactions', { cashier_id: 'C1' })).json()) as {
      id: string;
    };
    expect((await call('POST', `/v1/transactions/${sale.id}/items`, { barcode })).status).toBe(201);
    expect((await call('POST', `/v1/transactions/${sale.id}/payments`, { method: 'CASH' })).status).toBe(201);

    // Hold the sale's row so the finalize below is in flight (waiting on the lock) when SIGTERM arrives.
    const blocker = await db.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM transactions WHERE id = $1 FOR UPDATE', [sale.id]);
    const inFlight = call('POST', `/v1/transactions/${sale.id}/finalize`);
    await waitFor(
      async () =>
        (
          await db!.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = $1", [
            storeDatabaseName(storeId),
          ])
        ).rowCount,
      { timeoutMs: 5_000, what: 'finalize waiting on the row lock' },
    );
    child!.kill('SIGTERM');
    await waitFor(() => lines.some((l) => l.step === 'mark not ready'), {
      timeoutMs: 5_000,
      what: 'shutdown to start',
    });
    // New work is turned away: the listener is closed, or (on a keep-alive socket the server had
    // not dropped yet) readiness already says 503.
    const late = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(['refused', 503]).toContain(late);

    await blocker.query('COMMIT');
    blocker.release();
    const finalized = await inFlight;
    expect(finalized.status).toBe(200);
    expect(((await finalized.json()) as { status: string }).status).toBe('PAID');
    expect(await exited).toBe(0);
    // Lines written in the same millisecond at exit can reach stdout out of order: the order is
    // judged from each step's phase and times, not from the order of its log line.
    const steps = shutdownSteps(lines);
    expect(steps.map((s) => `${s.phase}: ${s.step}`).sort()).toEqual([
      'close: postgres pool',
      'flush: background refresh',
      'stop-intake: http server',
      'stop-intake: mark not ready',
    ]);
    expect(shutdownOrderProblems(steps)).toEqual([]);
    const { rows } = await db.query('SELECT event_type FROM outbox ORDER BY store_seq');
    expect(rows.map((r) => r.event_type)).toEqual(['PaymentCaptured', 'SaleRecorded']);
  });

  it('exits 78 listing every config problem at once', async () => {
    const res = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env.PATH, STORE_ID: 'Bad-Id', EDGE_TERMINAL_TOKENS: 'T1:plaintext' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    res.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => res.once('exit', resolve));
    expect(code).toBe(78);
    for (const key of [
      'STORE_ID',
      'PG_URL',
      'EDGE_TERMINAL_TOKENS',
      'EDGE_CUSTOMER_HMAC_KEY',
      'EDGE_QR_CALLBACK_SECRET',
    ])
      expect(stderr).toContain(key);
    expect(stderr).not.toContain('plaintext'); // a raw token in the config is never echoed
  });
});
