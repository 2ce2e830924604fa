import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import { prepareSyncDatabase, syncDatabaseConfig, syncPool } from '@retail-stream/national-pharmacy-sink';
import { applyKpis, applyStoreEvents, hqPool, inTransaction } from '@retail-stream/postgres-sink';
import {
  createTestTopic,
  deleteTestTopic,
  freePort,
  ServiceProcess,
  testEndpoints,
  uniqueName,
  waitFor,
} from '@retail-stream/runtime/testing';
import { logLevel } from 'kafkajs';
import type pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiWindow, Page as ApiPage, StatusBody, TopProduct, WindowParam } from '../web/api-types.ts';
import { formatCount, formatMoney, formatPercent, formatRatePerMin } from '../web/lib/format.ts';
import { currentWindow, kpiRange } from '../web/lib/kpi-cards.ts';
import { buildWebIfStale } from './web-build.ts';
import { KPI_NUMBERS, kpiFixture, STORE_NAMES, storeEventFixture } from './hq-fixture.ts';
import { newKafkaClient } from '@retail-stream/runtime';

/**
 * The dashboard end to end in a real browser: the real reports API (sinks/postgres) on a fresh
 * Postgres schema migrated by the sink's own migration command and filled through the sink's own
 * write path, the real dashboard server with its Kafka admin panel on real topics, and Debian's
 * chromium driven by playwright-core.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.resolve(HERE, '..');
const ROOT = path.resolve(PKG, '../..');
const OUT = path.join(PKG, 'test-output');
const DIST = path.join(OUT, 'dist');
const REPORTS_MAIN = path.join(ROOT, 'sinks/postgres/src/reports-main.ts');
const MIGRATE = path.join(ROOT, 'sinks/postgres/src/migrate.ts');
const DASHBOARD_MAIN = path.join(PKG, 'src/main.ts');
const CHROMIUM = '/usr/bin/chromium';

const { brokers, kafkaBrokers, pgUrl } = testEndpoints(serviceEnv());
const schema = uniqueName('dash').replace(/-/g, '_');
// The national pharmacy sync's schema: absent until the panel's test creates it (the sync never ran).
const syncSchema = `${schema}_ns`;
const token = crypto.randomBytes(24).toString('base64url');
const tokenSha256 = crypto.createHash('sha256').update(token).digest('hex');
const group = uniqueName('retail-dash-group');

let pool: pg.Pool;
let reports: ServiceProcess | undefined;
let dashboard: ServiceProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let reportsUrl: string;
let dashboardUrl: string;
const topics: string[] = [];

async function reportsApi<T>(pathAndQuery: string, auth = true): Promise<{ status: number; body: T }> {
  const res = await fetch(`${reportsUrl}${pathAndQuery}`, {
    headers: auth ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** What the reports API says the current window of each size is, for the chain or one store. */
async function apiCurrentWindows(storeId?: string): Promise<Record<WindowParam, KpiWindow | undefined>> {
  const now = Date.now();
  const out = {} as Record<WindowParam, KpiWindow | undefined>;
  for (const w of ['1m', '15m', '1h', '1d'] as const) {
    const q = new URLSearchParams({ window: w, ...kpiRange(w, now), limit: '1000' });
    if (storeId) q.set('store_id', storeId);
    const res = await reportsApi<ApiPage<KpiWindow>>(`/v1/kpis?${q}`);
    expect(res.status).toBe(200);
    out[w] = currentWindow(res.body.items, now);
  }
  return out;
}

async function cardText(w: WindowParam, field: string): Promise<string> {
  return ((await page.getByTestId(`kpi-${w}-${field}`).textContent()) ?? '').trim();
}

/** Every card value on the page in one round trip: testid → text. */
async function allCardTexts(): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid^="kpi-"]')].map((el) => [
        el.getAttribute('data-testid'),
        (el.textContent ?? '').trim(),
      ]),
    ),
  );
}

/** Every card number on the page equals the reports API's answer, formatted by currency. */
async function expectCardsMatch(storeId?: string): Promise<void> {
  const scope = storeId ?? 'chain';
  await page.locator(`main[data-testid="loaded"][data-scope="${scope}"]`).waitFor({ timeout: 15_000 });
  const api = await apiCurrentWindows(storeId);
  const sizes = { '1m': 'M1', '15m': 'M15', '1h': 'H1', '1d': 'D1_LOCAL' } as const;
  const expected: Record<string, string> = {};
  for (const w of ['1m', '15m', '1h', '1d'] as const) {
    const win = api[w];
    expect(win, `API has a current ${w} window for ${scope}`).toBeDefined();
    // The API serves what the fixture wrote (so this test compares against known numbers) ...
    expect(win!.gmv_minor).toBe(KPI_NUMBERS[scope]![sizes[w]].gmv_minor);
    expect(win!.orders).toBe(KPI_NUMBERS[scope]![sizes[w]].orders);
    expected[`kpi-${w}-gmv`] = formatMoney(win!.gmv_minor, win!.currency);
    expected[`kpi-${w}-orders`] = formatCount(win!.orders);
    expected[`kpi-${w}-rate`] = formatRatePerMin(win!.order_rate_per_min);
    expected[`kpi-${w}-success`] = formatPercent(win!.payment_success_rate);
    expected[`kpi-${w}-basket`] = formatMoney(win!.avg_basket_minor, win!.currency);
  }
  // ... and the page shows exactly the API's numbers (within a refresh or two of the filter change).
  let shown: Record<string, string> = {};
  const same = () => Object.entries(expected).every(([k, v]) => shown[k] === v);
  await waitFor(
    async () => {
      shown = await allCardTexts();
      return same();
    },
    { timeoutMs: 10_000, intervalMs: 250, what: `${scope} cards` },
  ).catch(() => undefined);
  expect(Object.fromEntries(Object.keys(expected).map((k) => [k, shown[k]]))).toEqual(expected);
}

beforeAll(async () => {
  if (spawnSync(CHROMIUM, ['--version']).status !== 0) {
    throw new Error(`${CHROMIUM} is missing: scripts/install-system-deps.sh installs Debian's chromium`);
  }
  mkdirSync(OUT, { recursive: true });
  // The test serves its own build, so it never depends on (or overwrites) the demo's dist/;
  // rebuilt only when web/ changed since.
  await buildWebIfStale(PKG, DIST);
  const migrate = new ServiceProcess(MIGRATE, { PG_URL: pgUrl, HQ_PG_SCHEMA: schema }, { cwd: ROOT });
  const migrated = await migrate.exited;
  if (migrated !== 0) throw new Error(`migrate exited ${migrated}: ${migrate.output.slice(-3000)}`);
  pool = hqPool(pgUrl, schema, { max: 2 });

  // Pipeline panel inputs on real topics: a group 6 records behind, a DLQ of 3, 2 late events.
  const source = await createTestTopic(brokers, 'dash-src');
  const dlq = await createTestTopic(brokers, 'dash-dlq');
  const late = await createTestTopic(brokers, 'dash-late');
  topics.push(source, dlq, late);
  const kafka = newKafkaClient({ clientId: 'dashboard-test', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const records = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'k', value: `v${i}` }));
  await producer.send({ topic: source, messages: records(10) });
  await producer.send({ topic: dlq, messages: records(3) });
  await producer.send({ topic: late, messages: records(2) });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: group, topic: source, partitions: [{ partition: 0, offset: '4' }] });
  await admin.disconnect();

  // Each service gets exactly its settings: nothing of the test process's environment leaks in.
  reports = await ServiceProcess.start(REPORTS_MAIN, {
    LOG_LEVEL: 'info',
    PG_URL: pgUrl,
    HQ_PG_SCHEMA: schema,
    REPORTS_PORT: '0',
    OPS_PORT: '0',
    REPORTS_API_TOKEN_SHA256: tokenSha256,
    NATIONAL_SYNC_PG_SCHEMA: syncSchema,
  });
  reportsUrl = `http://127.0.0.1:${await reports.portWhere(isReportsApi)}`;

  dashboard = await ServiceProcess.start(DASHBOARD_MAIN, {
    LOG_LEVEL: 'info',
    DASHBOARD_PORT: '0',
    REPORTS_API_URL: reportsUrl,
    REPORTS_API_TOKEN: token,
    KAFKA_BROKERS: kafkaBrokers,
    DASHBOARD_CONSUMER_GROUPS: group,
    DLQ_TOPIC: dlq,
    KPI_LATE_TOPIC: late,
    DASHBOARD_DIST_DIR: DIST,
    // Nothing listens there: the panel must show the store as unreachable.
    STORE_EDGE_URLS: `s009=http://127.0.0.1:${await freePort()}`,
    STORE_EDGE_TIMEOUT_MS: '500',
  });
  dashboardUrl = `http://127.0.0.1:${await dashboard.port()}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
}, 120_000);

/** The reports API's port among those its process listens on (API and ops): the one serving /v1. */
async function isReportsApi(port: number): Promise<boolean> {
  return (await fetch(`http://127.0.0.1:${port}/v1/status`)).status === 401; // 401: no token
}

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop(10_000);
  await reports?.stop(10_000);
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await pool?.query(`DROP SCHEMA IF EXISTS "${syncSchema}" CASCADE`).catch(() => undefined);
  await pool?.end();
  const kafka = newKafkaClient({ clientId: 'dashboard-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.disconnect();
  for (const t of topics) await deleteTestTopic(brokers, 'dashboard-test', t);
}, 60_000);

describe('dashboard in a browser against the real reports API', () => {
  it('shows empty states on an empty database, and pipeline health from Kafka', async () => {
    await page.goto(dashboardUrl);
    await page.locator('main[data-testid="loaded"]').waitFor({ timeout: 15_000 });
    for (const w of ['1m', '15m', '1h', '1d']) await page.getByTestId(`kpi-${w}-empty`).waitFor();
    expect(await page.getByTestId('charts-empty').textContent()).toBe('no data yet');
    expect(await page.getByTestId('top-products-empty').textContent()).toBe('no sales yet');
    expect(await page.getByTestId('freshness').textContent()).toContain('no data yet');
    expect(await page.getByTestId('api-down').count()).toBe(0);

    // Lag = end offset 10 − committed 4; DLQ and late topics hold 3 and 2 records.
    await page.getByTestId('consumer-lag').waitFor({ timeout: 15_000 });
    const row = page.getByTestId('consumer-lag').locator('tr', { hasText: group });
    expect(await row.locator('td.num').textContent()).toBe('6');
    expect(await page.getByTestId('dlq-count').textContent()).toBe('3');
    expect(await page.getByTestId('late-count').textContent()).toBe('2');

    const edgeRow = page.getByTestId('store-backlogs').locator('tr', { hasText: 's009' });
    await edgeRow.waitFor({ timeout: 10_000 });
    expect(await edgeRow.locator('td').allTextContents()).toEqual(['s009', 'UNREACHABLE', '—', '—']);

    await page
      .locator('section[aria-label="National pharmacy sync"]', { hasText: 'the sync has not run' })
      .waitFor({ timeout: 10_000 });
  });

  it('national pharmacy sync panel: failing and long-pending stores first, with the reason', async () => {
    // The sync's own migrations, then documents as its workers leave them.
    const sync = syncPool(
      syncDatabaseConfig.parse({ PG_URL: pgUrl, NATIONAL_SYNC_PG_SCHEMA: syncSchema }),
      'dash-test',
      1,
    );
    try {
      await prepareSyncDatabase(sync, syncSchema);
      const docs: [string, string, string, number, string | null][] = [
        // store, local id, status, age in minutes, last_error
        ['a_ok', 'A-1', 'SYNC_SUCCESS', 30, null],
        ['a_ok', 'A-2', 'SYNC_SUCCESS', 5, null],
        ['b_old', 'B-1', 'PENDING_SYNC', 20, null],
        ['c_bad', 'C-1', 'SYNC_FAILED', 3, 'ma_thuoc VN-9 không tồn tại'],
        ['c_bad', 'C-2', 'PENDING_SYNC', 1, null],
      ];
      for (const [i, [store, local, status, ageMin, error]] of docs.entries()) {
        await sync.query(
          `INSERT INTO documents (event_id, doc_type, op, flow, store_id, ma_co_so, local_id, business_date,
                                  occurred_at, status, last_error, created_at, updated_at)
           VALUES ($1, 'hoa_don', 'CREATE', 'sale', $2, $3, $4, '20261120', now(), $5, $6,
                   now() - make_interval(mins => $7), now() - make_interval(mins => $7))`,
          [`dash-${i}`, store, `CS-${store}`, local, status, error, ageMin],
        );
      }
    } finally {
      await sync.end();
    }
    const rows = page.getByTestId('national-sync').locator('tbody tr');
    await waitFor(async () => (await rows.count()) === 3, { timeoutMs: 10_000, what: 'national sync rows' });
    // Failures first, then the store pending past the alert age, then the rest.
    const cells = async (i: number) =>
      (await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim());
    const [bad, old, ok] = [await cells(0), await cells(1), await cells(2)];
    expect(bad.slice(0, 6)).toEqual(['c_badCS-c_bad', '1', '0', '0', '1', '0']);
    expect(bad[6]).toBe('1 min ago');
    expect(bad[7]).toMatch(/^hoa_don C-1: ma_thuoc VN-9 không tồn tại 3 min ago$/);
    expect(old.slice(0, 7)).toEqual(['b_oldCS-b_old', '1', '0', '0', '0', '0', '20 min ago']);
    expect(ok.slice(0, 8)).toEqual(['a_okCS-a_ok', '0', '0', '2', '0', '0', '—', '—']);
    expect(await rows.nth(0).getAttribute('class')).toBe('bad');
    expect(await rows.nth(1).getAttribute('class')).toBe('bad');
    expect(await rows.nth(2).getAttribute('class')).toBe('');
    await page.screenshot({ path: path.join(OUT, 'dashboard-national-sync.png'), fullPage: true });
  });

  it('picks up new data within a few seconds and shows exactly the API’s chain KPIs', async () => {
    const now = Date.now();
    await inTransaction(pool, (c) =>
      applyStoreEvents(
        c,
        storeEventFixture(now).map((event, i) => ({ event, partition: 0, offset: String(i) })),
      ),
    );
    await inTransaction(pool, (c) => applyKpis(c, kpiFixture(now)));
    const written = Date.now();

    await page.getByTestId('kpi-1m-gmv').waitFor({ timeout: 10_000 });
    // Reported, not asserted: the page polls every 2 s, so this is at most ~2 s plus one round.
    console.info(`dashboard: committed → on screen in ${Date.now() - written} ms`);
    await expectCardsMatch();

    const status = await reportsApi<StatusBody>('/v1/status');
    expect(status.body.stores_total).toBe(3);
    await waitFor(async () => (await page.getByTestId('freshness').textContent())?.includes('live'), {
      timeoutMs: 10_000,
      what: 'freshness "live"',
    });

    const top = await reportsApi<ApiPage<TopProduct>>(
      `/v1/reports/top-products?${new URLSearchParams({
        from: new Date(now - 86_400_000).toISOString(),
        to: new Date(now + 60_000).toISOString(),
        limit: '10',
      })}`,
    );
    expect(top.status).toBe(200);
    expect(top.body.items.length).toBeGreaterThan(0);
    const firstRow = page.getByTestId('top-products').locator('tbody tr').first();
    await waitFor(
      async () => (await firstRow.locator('td').first().textContent()) === top.body.items[0]!.sku,
      {
        timeoutMs: 10_000,
        what: 'top product row',
      },
    );
    expect(await firstRow.locator('td.num').last().textContent()).toBe(
      formatMoney(top.body.items[0]!.net_minor, top.body.items[0]!.currency),
    );
    expect(await page.locator('.recharts-line').count()).toBe(5);
    await page.screenshot({ path: path.join(OUT, 'dashboard-chain.png'), fullPage: true });
  });

  it('store filter: each store shows its own numbers; a store without KPIs shows the empty state', async () => {
    const options = await page.getByTestId('store-filter').locator('option').allTextContents();
    expect(options).toEqual([
      'All stores (chain)',
      `s001 · ${STORE_NAMES.s001}`,
      `s002 · ${STORE_NAMES.s002}`,
      `s003 · ${STORE_NAMES.s003}`,
    ]);
    await page.getByTestId('store-filter').selectOption('s002');
    await expectCardsMatch('s002');
    await page.getByTestId('store-filter').selectOption('s001');
    await expectCardsMatch('s001');
    await page.getByTestId('store-filter').selectOption('s003');
    await page.locator('main[data-testid="loaded"][data-scope="s003"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('kpi-1m-empty').waitFor();
    await page.getByTestId('store-filter').selectOption('');
    await expectCardsMatch();
  });

  it('keeps the token on the server, and shows a banner with the last data when the API goes down', async () => {
    // The browser only ever calls the dashboard; the reports API itself refuses calls without the token.
    expect((await reportsApi('/v1/status', false)).status).toBe(401);
    expect((await fetch(`${dashboardUrl}/api/reports/status`)).status).toBe(200);

    const chainGmv = await cardText('1m', 'gmv');
    await reports!.stop(10_000);
    await page.getByTestId('api-down').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('api-down').textContent()).toContain('REPORTS_API_UNAVAILABLE');
    // The last answer stays on screen under the banner.
    expect(await cardText('1m', 'gmv')).toBe(chainGmv);
    expect(chainGmv).toBe(formatMoney(KPI_NUMBERS.chain!.M1.gmv_minor, 'VND'));
    const proxied = await fetch(`${dashboardUrl}/api/reports/status`);
    expect(proxied.status).toBe(502);
    expect(await proxied.json()).toEqual({
      error: { code: 'REPORTS_API_UNAVAILABLE', message: 'the reports API does not answer', field: null },
    });
    await page.screenshot({ path: path.join(OUT, 'dashboard-api-down.png'), fullPage: true });
    const metrics = await (await fetch(`${dashboardUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /retail_dashboard_proxy_requests_total\{status="200",service="dashboard"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /retail_dashboard_proxy_requests_total\{status="502",service="dashboard"\} [1-9]/,
    );
  });
});
