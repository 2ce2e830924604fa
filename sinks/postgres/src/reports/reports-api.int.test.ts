import type { SaleRecorded } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import { type Item, useReportsApi } from './reports-api-fixture.ts';

/** The reports API's answers on a known fixture, totals checked by hand. */
describe('reports API', () => {
  const {
    get,
    events,
    named: { a1, a1refund, a2, b1 },
  } = useReportsApi();

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
});
