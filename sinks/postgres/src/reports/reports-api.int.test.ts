import type { Server } from 'node:http';
import {
  closeServer,
  createLogger,
  createMetricsRegistry,
  listen,
  seededRandom,
} from '@retail-stream/runtime';
import type { SaleRecorded, SaleRefunded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import express from 'express';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyKpis, applyStoreEvents, inTransaction } from '../batch-writer.ts';
import {
  countTables,
  createSchema,
  dropSchema,
  enrich,
  kpiRecord,
  sourced,
  uniqueSchema,
} from '../../test/harness.ts';
import { documentedFields } from './openapi-doc.ts';
import { mountReports } from './reports-app.ts';
import { sha256Hex } from './token-auth.ts';

const TOKEN = 'test-token-0123456789abcdef';
const at = (iso: string) => Date.parse(iso);
type Item = Record<string, unknown>;
interface Body extends Record<string, unknown> {
  items: Item[];
  next_cursor: string | null;
  error: { code: string; message: string };
}

/** A known fixture in a schema of its own, the real API over HTTP, totals checked by hand. */
describe('reports API', () => {
  const schema = uniqueSchema('hq_reports');
  let pool: pg.Pool;
  let server: Server;
  let base: string;
  let clock = 0;
  const fa = new StoreEventFactory('rpt_a', seededRandom(11), 1, () => clock);
  const fb = new StoreEventFactory('rpt_b', seededRandom(12), 1, () => clock);
  const make = <E extends StoreEvent>(iso: string, fn: () => E, known = true): E => {
    clock = at(iso);
    return enrich(fn(), { known });
  };
  const a1 = make('2026-11-20T01:10:00Z', () => fa.sale(3));
  const a1pay = make('2026-11-20T01:11:00Z', () => fa.paymentCaptured(a1));
  const a1refund = make('2026-11-20T02:05:00Z', () => fa.refund(a1)) as SaleRefunded;
  const a2 = make('2026-11-20T18:30:00Z', () => fa.sale(2)); // local (UTC+7) 2026-11-21 01:30
  const a2pay = make('2026-11-20T18:31:00Z', () => fa.paymentCaptured(a2));
  const a2void = make('2026-11-20T18:40:00Z', () => fa.void(a2));
  const b1 = make('2026-11-20T01:20:00Z', () => fb.sale(4), false);
  const b1fail = make('2026-11-20T01:21:00Z', () => fb.paymentFailed(b1), false);
  const b1pay = make('2026-11-20T01:22:00Z', () => fb.paymentCaptured(b1), false);
  const events: StoreEvent[] = [a1, a1pay, a1refund, a2, a2pay, a2void, b1, b1fail, b1pay];
  const kpis = [
    kpiRecord({
      window_start: at('2026-11-20T01:00:00Z'),
      window_end: at('2026-11-20T02:00:00Z'),
      revision: 1,
    }),
    kpiRecord({
      window_start: at('2026-11-20T01:00:00Z'),
      window_end: at('2026-11-20T02:00:00Z'),
      revision: 2,
      gmv_minor: 90_001,
      orders: 3,
      payments_attempted: 4,
      payments_captured: 3,
    }),
    kpiRecord({
      window_start: at('2026-11-20T02:00:00Z'),
      window_end: at('2026-11-20T03:00:00Z'),
      gmv_minor: 0,
      orders: 0,
      items: 0,
      payments_attempted: 0,
      payments_captured: 0,
      payments_by_method: {},
    }),
    kpiRecord({
      scope: 'store:rpt_a',
      store_id: 'rpt_a',
      window_size: 'M15',
      window_start: at('2026-11-20T01:00:00Z'),
      window_end: at('2026-11-20T01:15:00Z'),
    }),
  ];

  const get = async (path: string, token: string | null = TOKEN) => {
    const res = await fetch(`${base}${path}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Body };
  };

  beforeAll(async () => {
    pool = await createSchema(schema);
    await inTransaction(pool, (c) => applyStoreEvents(c, sourced(events)));
    await inTransaction(pool, (c) => applyKpis(c, kpis));
    // What `retail reconcile` records (tools/retail-cli/src/reconcile/runs-table.ts), in a schema of this test.
    await pool.query(`CREATE SCHEMA "${schema}_ops"`);
    await pool.query(`CREATE TABLE "${schema}_ops".reconciliation_runs (store_id text, local_date date, status text,
      differences integer, missing integer, trigger text, finished_at timestamptz)`);
    await pool.query(`INSERT INTO "${schema}_ops".reconciliation_runs VALUES
      ('rpt_a', '2026-11-20', 'differences', 2, 1, 'scheduler', '2026-11-21T01:00:00Z'),
      ('rpt_a', '2026-11-20', 'repaired', 0, 0, 'cli', '2026-11-21T02:00:00Z'),
      ('rpt_b', '2026-11-20', 'clean', 0, 0, 'scheduler', '2026-11-21T01:00:00Z')`);
    const app = express();
    mountReports(app, {
      pool,
      tokenHashes: [sha256Hex('another-token'), sha256Hex(TOKEN)],
      maxRangeDays: 92,
      opsSchema: `${schema}_ops`,
      logger: createLogger({ service: 'reports-test', level: 'silent' }),
      metrics: createMetricsRegistry('reports-test'),
    });
    const bound = await listen(app, 0, '127.0.0.1');
    server = bound.server;
    base = `http://127.0.0.1:${bound.port}`;
  });
  afterAll(async () => {
    if (server) await closeServer(server);
    await pool?.end();
    await dropSchema(schema);
    await dropSchema(`${schema}_ops`);
  });

  it('returns the last reconciliation of every store', async () => {
    const { body } = await get('/v1/reconciliation');
    expect(body.items).toEqual([
      {
        store_id: 'rpt_a',
        local_date: '2026-11-20',
        status: 'repaired',
        differences: 0,
        missing: 0,
        trigger: 'cli',
        finished_at: '2026-11-21T02:00:00.000Z',
      },
      {
        store_id: 'rpt_b',
        local_date: '2026-11-20',
        status: 'clean',
        differences: 0,
        missing: 0,
        trigger: 'scheduler',
        finished_at: '2026-11-21T01:00:00.000Z',
      },
    ]);
  });

  it('lists stores (unknown store: null reference fields) with keyset pages', async () => {
    const first = await get('/v1/stores?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        store_id: 'rpt_a',
        name: 'Store rpt_a',
        region: 'South',
        timezone: 'Asia/Ho_Chi_Minh',
        currency: 'VND',
        last_event_at: '2026-11-20T18:40:00.000Z',
        last_store_seq: 6,
        events_total: 6,
      },
    ]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await get(`/v1/stores?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body).toEqual({
      items: [
        {
          store_id: 'rpt_b',
          name: null,
          region: null,
          timezone: null,
          currency: null,
          last_event_at: '2026-11-20T01:22:00.000Z',
          last_store_seq: 3,
          events_total: 3,
        },
      ],
      next_cursor: null,
    });
  });

  it('reports status', async () => {
    const { status, body } = await get('/v1/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      stores_total: 2,
      events_total: 9,
      last_kpi_updated_at: '2026-11-22T02:00:05.000Z',
    });
    expect(Date.parse(String(body.as_of))).toBeGreaterThanOrEqual(
      Date.parse(String(body.last_event_received_at)),
    );
  });

  it('sums sales per UTC hour and per local day, refunds and voids at their own time', async () => {
    const range = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z';
    const hourly = await get(`/v1/reports/sales?store_id=rpt_a&granularity=hour&${range}`);
    expect(hourly.status).toBe(200);
    const row = (bucket: string, o: Partial<Record<string, number>>) => ({
      store_id: 'rpt_a',
      bucket_start: bucket,
      orders: 0,
      items: 0,
      gross_minor: 0,
      refunds_minor: 0,
      voids_minor: 0,
      net_minor: (o.gross_minor ?? 0) - (o.refunds_minor ?? 0) - (o.voids_minor ?? 0),
      currency: 'VND',
      ...o,
    });
    expect(hourly.body).toEqual({
      items: [
        row('2026-11-20T01:00:00.000Z', { orders: 1, items: a1.item_count, gross_minor: a1.total_minor }),
        row('2026-11-20T02:00:00.000Z', { refunds_minor: a1refund.amount_minor }),
        row('2026-11-20T18:00:00.000Z', {
          orders: 1,
          items: a2.item_count,
          gross_minor: a2.total_minor,
          voids_minor: a2.total_minor,
        }),
      ],
      next_cursor: null,
    });
    const daily = await get(`/v1/reports/sales?granularity=day&${range}&limit=2`);
    expect(daily.body.items.map((i: Item) => [i.store_id, i.bucket_start, i.orders, i.net_minor])).toEqual([
      ['rpt_a', '2026-11-19T17:00:00.000Z', 1, a1.total_minor - a1refund.amount_minor],
      ['rpt_b', '2026-11-20T00:00:00.000Z', 1, b1.total_minor],
    ]);
    const rest = await get(
      `/v1/reports/sales?granularity=day&${range}&limit=2&cursor=${daily.body.next_cursor}`,
    );
    expect(rest.body).toEqual({
      items: [
        row('2026-11-20T17:00:00.000Z', {
          orders: 1,
          items: a2.item_count,
          gross_minor: a2.total_minor,
          voids_minor: a2.total_minor,
        }),
      ],
      next_cursor: null,
    });
  });

  it('ranks top products by net amount (voided sales out, refunds subtracted)', async () => {
    const expected = new Map<string, { quantity: number; net: number; name: string }>();
    for (const s of [a1, b1] as SaleRecorded[]) {
      for (const l of s.lines) {
        const e = expected.get(l.sku) ?? { quantity: 0, net: 0, name: l.product_name };
        e.quantity += l.quantity;
        e.net += l.line_total_minor;
        expected.set(l.sku, e);
      }
    }
    for (const l of a1refund.lines) {
      const e = expected.get(l.sku)!;
      e.quantity -= l.quantity;
      e.net -= l.amount_minor;
    }
    const want = [...expected.entries()]
      .map(([sku, e]) => ({ sku, quantity: e.quantity, net_minor: e.net, product_name: e.name }))
      .sort((x, y) => y.net_minor - x.net_minor || x.sku.localeCompare(y.sku));
    const { status, body } = await get(
      '/v1/reports/top-products?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&limit=100',
    );
    expect(status).toBe(200);
    expect(
      body.items.map((i: Item) => ({
        sku: i.sku,
        quantity: i.quantity,
        net_minor: i.net_minor,
        product_name: i.product_name,
      })),
    ).toEqual(want);
    expect(body.items.every((i: Item) => i.currency === 'VND' && typeof i.category === 'string')).toBe(true);
    const top2 = await get(
      '/v1/reports/top-products?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&limit=2',
    );
    expect(top2.body.items.map((i: Item) => i.sku)).toEqual(want.slice(0, 2).map((w) => w.sku));
  });

  it('returns inventory of a store: on_hand of the highest store_seq per SKU', async () => {
    const last = new Map<string, { on_hand: number; seq: number }>();
    for (const e of events.filter((x) => x.store_id === 'rpt_a')) {
      for (const s of 'stock' in e ? e.stock : [])
        last.set(s.sku, { on_hand: s.on_hand_after, seq: e.store_seq });
    }
    const { status, body } = await get('/v1/reports/inventory?store_id=rpt_a&limit=1000');
    expect(status).toBe(200);
    expect(body.items.map((i: Item) => [i.sku, i.on_hand, i.last_store_seq])).toEqual(
      [...last.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([sku, v]) => [sku, v.on_hand, v.seq]),
    );
    const sku = [...last.keys()][0]!;
    const one = await get(`/v1/reports/inventory?store_id=rpt_a&sku=${sku}`);
    expect(one.body.items).toHaveLength(1);
  });

  it('returns the latest KPI revision per window with derived rates', async () => {
    const { status, body } = await get(
      '/v1/kpis?window=1h&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z',
    );
    expect(status).toBe(200);
    expect(body.items).toHaveLength(2);
    expect(body.items[0]).toMatchObject({
      scope: 'chain',
      store_id: null,
      window_size: 'H1',
      window_start: '2026-11-20T01:00:00.000Z',
      window_end: '2026-11-20T02:00:00.000Z',
      revision: 2,
      gmv_minor: 90_001,
      orders: 3,
      avg_basket_minor: 30_000,
      order_rate_per_min: 3 / 60,
      payment_success_rate: 0.75,
      payments_by_method: { CASH: 60_000, QR: 40_000 },
    });
    expect(body.items[1]).toMatchObject({ avg_basket_minor: null, payment_success_rate: null, orders: 0 });
    const paged = await get('/v1/kpis?window=1h&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&limit=1');
    const next = await get(
      `/v1/kpis?window=1h&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&limit=1&cursor=${paged.body.next_cursor}`,
    );
    expect([
      paged.body.items[0]?.window_start,
      next.body.items[0]?.window_start,
      next.body.next_cursor,
    ]).toEqual(['2026-11-20T01:00:00.000Z', '2026-11-20T02:00:00.000Z', null]);
    const store = await get(
      '/v1/kpis?window=15m&store_id=rpt_a&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z',
    );
    expect(store.body.items.map((i: Item) => [i.scope, i.window_size])).toEqual([['store:rpt_a', 'M15']]);
  });

  it('answers with exactly the fields openapi.yaml documents (the dashboard types come from it)', async () => {
    const range = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z';
    const calls: Record<string, string> = {
      '/v1/stores': '',
      '/v1/status': '',
      '/v1/reconciliation': '',
      '/v1/reports/sales': `?${range}`,
      '/v1/reports/top-products': `?${range}`,
      '/v1/reports/inventory': '?store_id=rpt_a',
      '/v1/kpis': `?window=1h&${range}`,
    };
    for (const [route, query] of Object.entries(calls)) {
      const { page, properties } = documentedFields(route);
      const { body } = await get(route + query);
      if (page) expect(Object.keys(body).sort(), route).toEqual(['items', 'next_cursor']);
      const objects: Item[] = page ? body.items : [body];
      expect(objects.length, route).toBeGreaterThan(0);
      for (const o of objects) expect(Object.keys(o).sort(), route).toEqual([...properties].sort());
    }
  });

  it('answers 400/404 with a reason for bad input', async () => {
    const cases: [string, number, string][] = [
      ['/v1/reports/sales?from=yesterday', 400, 'BAD_REQUEST'],
      ['/v1/reports/sales?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z', 400, 'BAD_REQUEST'],
      ['/v1/reports/sales?from=2026-01-01T00:00:00Z&to=2026-11-20T00:00:00Z', 400, 'RANGE_TOO_LARGE'],
      ['/v1/reports/sales?granularity=week', 400, 'BAD_REQUEST'],
      ['/v1/kpis?window=2m', 400, 'BAD_REQUEST'],
      ['/v1/stores?limit=0', 400, 'BAD_REQUEST'],
      ['/v1/stores?limit=1001', 400, 'BAD_REQUEST'],
      ['/v1/stores?cursor=bm90LWEtY3Vyc29y', 400, 'BAD_REQUEST'],
      ['/v1/reports/inventory', 400, 'BAD_REQUEST'],
      ['/v1/reports/inventory?store_id=nope', 404, 'UNKNOWN_STORE'],
      ['/v1/reports/sales?store_id=nope', 404, 'UNKNOWN_STORE'],
      ['/v1/kpis?store_id=a&store_id=b', 400, 'BAD_REQUEST'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
      expect(res.body.error.message).toEqual(expect.any(String));
    }
  });

  it('answers 401 without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token', '', `${TOKEN}x`]) {
      const res = await get('/v1/status', token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    const raw = await fetch(`${base}/v1/status`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(raw.status).toBe(401);
  });

  it('is not injectable through any parameter', async () => {
    const before = await countTables(pool);
    const attacks = [
      "' OR '1'='1",
      "rpt_a'; DROP TABLE hq_inbox; --",
      'rpt_a; DELETE FROM stores',
      '1) OR (1=1',
      "2026-11-20T00:00:00Z'; DROP TABLE stores; --",
      '$1',
      '%27%20OR%201%3D1--',
    ];
    const params = ['store_id', 'sku', 'from', 'to', 'granularity', 'window', 'limit', 'cursor'];
    const paths = [
      '/v1/stores',
      '/v1/reports/sales',
      '/v1/reports/top-products',
      '/v1/reports/inventory?store_id=rpt_a',
      '/v1/kpis',
    ];
    for (const path of paths) {
      for (const param of params) {
        for (const attack of attacks) {
          const sep = path.includes('?') ? '&' : '?';
          const res = await get(`${path}${sep}${param}=${encodeURIComponent(attack)}`);
          // Either refused, or the parameter is not one of this endpoint's and is ignored.
          expect([400, 200], `${path} ${param}=${attack}`).toContain(res.status);
          if (res.status === 200 && param === 'store_id' && path !== '/v1/stores')
            throw new Error(`accepted ${attack}`);
        }
      }
    }
    expect(await countTables(pool)).toEqual(before);
  });
});
