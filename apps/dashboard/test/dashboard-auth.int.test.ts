/**
 * The dashboard's two credentials, attacked against real processes: its own login when bound off
 * loopback (apps/dashboard/src/main.ts), and the read-only monitor token it shows the store edges'
 * sync status with (producers/store-edge/src/main.ts), which must never be able to sell.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import { hashPassword, sha256Hex } from '@retail-stream/runtime';
import {
  freePort,
  ServiceProcess,
  testEndpoints,
  tolerateDroppedConnections,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { storeDatabaseName, storeDatabaseUrl } from '@retail-stream/store-edge';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreBacklog } from '../src/store-backlog.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STORE_EDGE_MAIN = path.resolve(HERE, '../../../producers/store-edge/src/main.ts');
const DASHBOARD_MAIN = path.resolve(HERE, '../src/main.ts');
const endpoints = testEndpoints(serviceEnv());
const storeId = uniqueName('dauth').replace(/-/g, '_');
const terminalToken = crypto.randomBytes(18).toString('base64url');
const monitorToken = `mon_${crypto.randomBytes(18).toString('hex')}`;
const password = crypto.randomBytes(12).toString('base64url');
const procs: ServiceProcess[] = [];
let edgeUrl: string;
let db: pg.Pool | undefined;
let distDir: string;

beforeAll(async () => {
  const edge = await ServiceProcess.start(STORE_EDGE_MAIN, {
    LOG_LEVEL: 'info',
    STORE_ID: storeId,
    PG_URL: endpoints.pgUrl,
    EDGE_PORT: '0',
    EDGE_TERMINAL_TOKENS: `T1:${sha256Hex(terminalToken)}`,
    EDGE_MONITOR_TOKENS: `dashboard:${sha256Hex(monitorToken)}`,
    EDGE_CUSTOMER_HMAC_KEY: 'k'.repeat(32),
    EDGE_QR_CALLBACK_SECRET: 'q'.repeat(16),
    EDGE_PAYMENT_PROVIDER: 'fake',
  });
  procs.push(edge);
  edgeUrl = `http://127.0.0.1:${await edge.port()}`;
  db = tolerateDroppedConnections(
    new pg.Pool({ connectionString: storeDatabaseUrl(endpoints.pgUrl, storeId), max: 2 }),
  );
  // The server only serves files from here; the auth in front of them is what is tested.
  distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-auth-dist-'));
  fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>dashboard</title>');
}, 120_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop(10_000)));
  await db?.end();
  const admin = new pg.Client({ connectionString: endpoints.pgUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${storeDatabaseName(storeId)}"`);
  await admin.end();
  if (distDir) fs.rmSync(distDir, { recursive: true, force: true });
});

function dashboardEnv(extra: Record<string, string>): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    DASHBOARD_PORT: '0',
    DASHBOARD_DIST_DIR: distDir,
    REPORTS_API_URL: 'http://127.0.0.1:9',
    REPORTS_API_TOKEN: 'rpt_test_token_1234',
    STORE_EDGE_TIMEOUT_MS: '2000',
    ...extra,
  };
}

const outboxRows = async () =>
  (await db!.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;

describe('store edge monitor scope', () => {
  it('a monitor token reads /v1/sync/status but cannot open a sale (403) and nothing is written', async () => {
    const status = await fetch(`${edgeUrl}/v1/sync/status`, {
      headers: { authorization: `Bearer ${monitorToken}` },
    });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: string }).status).toMatch(/^(ONLINE|OFFLINE|UNKNOWN)$/);

    const before = await outboxRows();
    const transactionsBefore = (await db!.query('SELECT count(*)::int AS n FROM transactions')).rows[0].n;
    for (const [method, route, body] of [
      ['POST', '/v1/transactions', { cashier_id: 'C1' }],
      ['POST', '/v1/goods-receipts', { lines: [] }],
      ['GET', '/v1/reports/sales-by-day', undefined],
      ['GET', '/v1/reports/inventory', undefined],
    ] as const) {
      const res = await fetch(`${edgeUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${monitorToken}`,
          'idempotency-key': crypto.randomUUID(),
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status, `${method} ${route}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MONITOR_SCOPE_FORBIDDEN');
    }
    expect(await outboxRows()).toBe(before);
    expect((await db!.query('SELECT count(*)::int AS n FROM transactions')).rows[0].n).toBe(
      transactionsBefore,
    );

    // The same sale with the till's own token goes through: the refusal was the scope, not the route.
    const sale = await fetch(`${edgeUrl}/v1/transactions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${terminalToken}`,
        'idempotency-key': crypto.randomUUID(),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ cashier_id: 'C1' }),
    });
    expect(sale.status).toBeLessThan(300);
  });
});

describe('dashboard', () => {
  it('refuses to start off loopback without DASHBOARD_USERS (exit 78)', async () => {
    const proc = new ServiceProcess(
      DASHBOARD_MAIN,
      dashboardEnv({ HTTP_HOST: '0.0.0.0', DASHBOARD_PORT: String(await freePort()) }),
    );
    procs.push(proc);
    expect(await proc.exited).toBe(78);
    expect(proc.output).toMatch(/DASHBOARD_USERS is not set/);
  }, 60_000);

  it('off loopback: 401 without the login; with it the store panel shows the real status, a wrong monitor token UNAUTHORISED', async () => {
    const deadPort = await freePort();
    const dashboard = await ServiceProcess.start(
      DASHBOARD_MAIN,
      dashboardEnv({
        HTTP_HOST: '0.0.0.0',
        DASHBOARD_USERS: `ops:${hashPassword(password)}`,
        STORE_EDGE_MONITOR_TOKEN: monitorToken,
        STORE_EDGE_URLS: `${storeId}=${edgeUrl},gone=http://127.0.0.1:${deadPort}`,
      }),
      { readyTimeoutMs: 60_000 },
    );
    procs.push(dashboard);
    const base = `http://127.0.0.1:${await dashboard.port()}`;
    const login = (user: string, pw: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`,
    });

    for (const headers of [{}, login('ops', 'wrong'), login('root', password)]) {
      for (const route of ['/', '/api/stores/backlog', '/api/reports/v1/status']) {
        const res = await fetch(`${base}${route}`, { headers });
        expect(res.status, route).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          'DASHBOARD_LOGIN_REQUIRED',
        );
      }
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200); // probes stay open

    expect((await fetch(`${base}/`, { headers: login('ops', password) })).status).toBe(200);
    const panel = await fetch(`${base}/api/stores/backlog`, { headers: login('ops', password) });
    expect(panel.status).toBe(200);
    const items = ((await panel.json()) as { items: StoreBacklog[] }).items;
    const live = items.find((i) => i.store_id === storeId)!;
    const expected = (await fetch(`${edgeUrl}/v1/sync/status`, {
      headers: { authorization: `Bearer ${monitorToken}` },
    }).then((r) => r.json())) as { status: string; backlog: number };
    expect(live).toMatchObject({ status: expected.status, backlog: expected.backlog, error: null });
    expect(items.find((i) => i.store_id === 'gone')).toMatchObject({ status: 'UNREACHABLE' });
  }, 90_000);

  it('with a monitor token the edge does not know, the panel says UNAUTHORISED, not UNREACHABLE', async () => {
    const dashboard = await ServiceProcess.start(
      DASHBOARD_MAIN,
      dashboardEnv({
        STORE_EDGE_MONITOR_TOKEN: `mon_${crypto.randomBytes(18).toString('hex')}`,
        STORE_EDGE_URLS: `${storeId}=${edgeUrl}`,
      }),
      { readyTimeoutMs: 60_000 },
    );
    procs.push(dashboard);
    const base = `http://127.0.0.1:${await dashboard.port()}`;
    const items = ((await (await fetch(`${base}/api/stores/backlog`)).json()) as { items: StoreBacklog[] })
      .items;
    expect(items).toEqual([
      expect.objectContaining({ store_id: storeId, status: 'UNAUTHORISED', backlog: null }),
    ]);
    expect(items[0]!.error).toMatch(/^HTTP 401: the store edge refused the monitor token/);
  }, 90_000);
});
