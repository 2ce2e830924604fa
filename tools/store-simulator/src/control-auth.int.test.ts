/**
 * The control APIs of the store host (host-main.ts, a real child process) and of the simulator
 * (its real routes on a real server), attacked without and with wrong bearer tokens: every call is
 * refused with 401 and changes nothing; the right token works; neither starts off loopback without one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '@retail-stream/infra';
import { closeServer, createLogger, createMetricsRegistry, listen, sha256Hex } from '@retail-stream/runtime';
import {
  dropPgDatabase,
  freePort,
  ServiceProcess,
  Teardowns,
  testEndpoints,
  testTopics,
  TEST_SIGNING_MASTER_KEYS,
} from '@retail-stream/runtime/testing';
import { generateCatalogue } from '@retail-stream/fixtures';
import { seedStore, storeDatabaseName } from '@retail-stream/store-edge';
import { LedgerWriter } from './ledger.ts';
import { simulatorRoutes } from './sim-routes.ts';
import { Simulator } from './simulator.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HOST_MAIN = path.join(HERE, 'host-main.ts');
const SIM_MAIN = path.join(HERE, 'simulate-main.ts');
const endpoints = testEndpoints(serviceEnv());
const TOKEN_SECRET = crypto.randomBytes(24).toString('hex');
const QR_SECRET = crypto.randomBytes(12).toString('hex');
const hostToken = `hct_${crypto.randomBytes(18).toString('hex')}`;
const simToken = `sct_${crypto.randomBytes(18).toString('hex')}`;
const monitorToken = `mon_${crypto.randomBytes(18).toString('hex')}`;
const storeId = `ctl${crypto.randomBytes(3).toString('hex')}_001`;
const teardowns = new Teardowns({ ignoreErrors: true });
let hostUrl = '';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
async function call(url: string, method: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  const topics = teardowns.add(await testTopics(endpoints.brokers, 'ctl', { pos: 1 }), (t) => t.drop());
  teardowns.push(() => dropPgDatabase(endpoints.pgUrl, storeDatabaseName(storeId)));
  const store = {
    store_id: storeId,
    name: 'Ctl',
    timezone: 'Asia/Ho_Chi_Minh',
    currency: 'VND',
    region: 'VN',
  };
  await seedStore(endpoints.pgUrl, store, generateCatalogue(50, 3));
  const host = await ServiceProcess.start(
    HOST_MAIN,
    {
      ...endpoints.env,
      LOG_LEVEL: 'info',
      OPS_PORT: '0',
      STORES: storeId,
      STORE_BASE_PORT: '0',
      TERMINALS_PER_STORE: '1',
      TERMINAL_TOKEN_SECRET: TOKEN_SECRET,
      CUSTOMER_HMAC_KEY: crypto.randomBytes(24).toString('hex'),
      QR_CALLBACK_SECRET: QR_SECRET,
      RELAY_TOPIC: topics.pos,
      SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
      STORE_HOST_CONTROL_TOKEN_SHA256: sha256Hex(hostToken),
      STORE_MONITOR_TOKEN_SHA256: sha256Hex(monitorToken),
    },
    { readyTimeoutMs: 120_000 },
  );
  teardowns.push(() => host.stop(15_000));
  hostUrl = `http://127.0.0.1:${host.ports[0]}`;
}, 180_000);

afterAll(() => teardowns.run());

describe('store host control API', () => {
  it('refuses every control call without or with a wrong token (401) and the store stays online', async () => {
    for (const headers of [{}, bearer('wrong-token-0123456789'), bearer(sha256Hex(hostToken))]) {
      for (const [method, route] of [
        ['GET', '/control/stores'],
        ['GET', '/control/stores/backlog'],
        ['GET', `/control/stores/${storeId}/lots`],
        ['POST', `/control/stores/${storeId}/offline`],
      ] as const) {
        const res = await call(`${hostUrl}${route}`, method, headers);
        expect(res.status, `${method} ${route}`).toBe(401);
        expect(res.body.error.code).toBe('CONTROL_TOKEN_REQUIRED');
      }
    }
    const listed = await call(`${hostUrl}/control/stores`, 'GET', bearer(hostToken));
    expect(listed.status).toBe(200);
    expect(listed.body.stores).toEqual([expect.objectContaining({ store_id: storeId, online: true })]);
    expect((await fetch(`${hostUrl}/readyz`)).status).toBe(200); // probes stay open

    const off = await call(`${hostUrl}/control/stores/${storeId}/offline`, 'POST', bearer(hostToken));
    expect(off).toMatchObject({ status: 200, body: { store_id: storeId, online: false } });
    const on = await call(`${hostUrl}/control/stores/${storeId}/online`, 'POST', bearer(hostToken));
    expect(on).toMatchObject({ status: 200, body: { online: true } });
  });

  it("gives every store edge the dashboard's monitor token: it reads the sync status, it cannot sell", async () => {
    const listed = await call(`${hostUrl}/control/stores`, 'GET', bearer(hostToken));
    const storeUrl = listed.body.stores[0].url as string;
    const status = await call(`${storeUrl}/v1/sync/status`, 'GET', bearer(monitorToken));
    expect(status.status).toBe(200);
    expect(status.body.status).toMatch(/^(ONLINE|OFFLINE|UNKNOWN)$/);
    const backlogBefore = status.body.backlog;
    const sale = await call(
      `${storeUrl}/v1/transactions`,
      'POST',
      { ...bearer(monitorToken), 'idempotency-key': crypto.randomUUID() },
      { cashier_id: 'C1' },
    );
    expect(sale.status).toBe(403);
    expect(sale.body.error.code).toBe('MONITOR_SCOPE_FORBIDDEN');
    const after = await call(`${storeUrl}/v1/sync/status`, 'GET', bearer(monitorToken));
    expect(after.body.last_store_seq).toBe(status.body.last_store_seq);
    expect(after.body.backlog).toBeLessThanOrEqual(backlogBefore);
  });

  it('refuses to start off loopback without STORE_HOST_CONTROL_TOKEN_SHA256 (exit 78)', async () => {
    const proc = new ServiceProcess(HOST_MAIN, {
      ...endpoints.env,
      HTTP_HOST: '0.0.0.0',
      OPS_PORT: String(await freePort()),
      STORES: storeId,
      TERMINAL_TOKEN_SECRET: TOKEN_SECRET,
      CUSTOMER_HMAC_KEY: crypto.randomBytes(24).toString('hex'),
      QR_CALLBACK_SECRET: QR_SECRET,
      SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
    });
    teardowns.push(() => proc.stop(5_000));
    expect(await proc.exited).toBe(78);
    expect(proc.output).toMatch(/STORE_HOST_CONTROL_TOKEN_SHA256 is not set/);
  }, 60_000);
});

describe('simulator control API', () => {
  let sim: Simulator;
  let simUrl = '';
  const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctl-ledger-'));
  const deps = () => ({
    hostUrl,
    tokenSecret: TOKEN_SECRET,
    qrSecret: QR_SECRET,
    ledger: new LedgerWriter(path.join(ledgerDir, `${crypto.randomUUID()}.jsonl`)),
    logger: createLogger({ service: 'store-simulator', level: 'silent' }),
    metrics: createMetricsRegistry('store-simulator', { defaultMetrics: false }),
  });
  const options = {
    storeIds: [storeId],
    storeCount: 1,
    terminals: 1,
    rate: 1,
    durationS: 0,
    seed: 1,
    offline: [],
    hours: { allDay: true as const },
    receiptEveryS: 0,
    countEveryS: 0,
    writeOffEveryS: 0,
  };

  beforeAll(async () => {
    sim = await Simulator.prepare(options, { ...deps(), hostToken });
    teardowns.push(() => sim.stop('test over'));
    const app = express();
    app.use(simulatorRoutes(sim, { tokenSha256: [sha256Hex(simToken)] }));
    const bound = await listen(app, 0, '127.0.0.1');
    teardowns.add(bound.server, closeServer);
    simUrl = `http://127.0.0.1:${bound.port}`;
  }, 60_000);

  it('cannot reach the host without the host token', async () => {
    await expect(Simulator.prepare(options, deps())).rejects.toThrow(/401/);
  });

  it('refuses every /api call without or with a wrong token (401); the run stays ready at its rate', async () => {
    const before = sim.status();
    for (const headers of [{}, bearer('wrong-token-0123456789')]) {
      for (const [method, route, body] of [
        ['GET', '/api/status', undefined],
        ['POST', '/api/start', undefined],
        ['POST', '/api/rate', { rate: 999 }],
        ['POST', `/api/stores/${storeId}/offline`, undefined],
        ['POST', '/api/stop', undefined],
      ] as const) {
        const res = await call(`${simUrl}${route}`, method, headers, body);
        expect(res.status, `${method} ${route}`).toBe(401);
        expect(res.body.error.code).toBe('CONTROL_TOKEN_REQUIRED');
      }
    }
    const after = sim.status();
    expect(after).toMatchObject({ state: 'ready', target_rate: before.target_rate });
    expect(after.stores.every((s) => s.online)).toBe(true);

    // The page itself is open (it holds nothing) and takes the token from its URL fragment.
    const page = await fetch(`${simUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("sessionStorage.setItem('sim-token'");

    const rated = await call(`${simUrl}/api/rate`, 'POST', bearer(simToken), { rate: 2 });
    expect(rated).toMatchObject({ status: 200, body: { target_rate: 2 } });
  });

  it('refuses to start off loopback without SIM_CONTROL_TOKEN_SHA256 (exit 78)', async () => {
    const proc = new ServiceProcess(SIM_MAIN, {
      HTTP_HOST: '0.0.0.0',
      TERMINAL_TOKEN_SECRET: TOKEN_SECRET,
      QR_CALLBACK_SECRET: QR_SECRET,
      STORE_HOST_URL: hostUrl,
    });
    teardowns.push(() => proc.stop(5_000));
    expect(await proc.exited).toBe(78);
    expect(proc.output).toMatch(/SIM_CONTROL_TOKEN_SHA256 is not set/);
  }, 60_000);
});
