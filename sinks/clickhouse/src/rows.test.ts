import type { Enrichment, KpiWindowUpdated, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { countRows, kpiWindowRows, storeEventRows, TABLES, type Table, type TableRows } from './rows.ts';

function enrich<T extends StoreEvent>(e: T): T {
  const skus = new Set<string>();
  if ('lines' in e) for (const l of e.lines) skus.add(l.sku);
  if ('stock' in e) for (const s of e.stock) skus.add(s.sku);
  const enrichment: Enrichment = {
    store_known: true,
    store_name: 'Store One',
    region: 'South',
    timezone: 'Asia/Ho_Chi_Minh',
    products: [...skus].map((sku) => ({
      sku,
      known: true,
      category: `cat-${sku}`,
      brand: `brand-${sku}`,
      drug: null,
    })),
    ingested_at: 1_700_000_000_999,
    pharmacy_code: null,
  };
  return { ...e, enrichment };
}

const sizes = (rows: TableRows): Partial<Record<Table, number>> =>
  Object.fromEntries([...rows].filter(([, l]) => l.length > 0).map(([t, l]) => [t, l.length]));

describe('storeEventRows', () => {
  const f = new StoreEventFactory('s1');

  it('SaleRecorded: one sales row with store data, a line row per line with brand, a movement per stock change', () => {
    const sale = enrich(f.sale(4));
    const rows = storeEventRows(sale);
    expect(sizes(rows)).toEqual({ sales: 1, sale_lines: 4, inventory_movements: 4 });
    expect(rows.get('sales')![0]).toMatchObject({
      event_id: sale.event_id,
      store_seq: sale.store_seq,
      total_minor: sale.total_minor,
      line_count: 4,
      store_name: 'Store One',
      region: 'South',
      store_known: 1,
      occurred_at_ms: sale.occurred_at,
      ingested_at_ms: 1_700_000_000_999,
    });
    const line = rows.get('sale_lines')![1]!;
    expect(line).toMatchObject({
      event_id: sale.event_id,
      line_no: 2,
      sku: sale.lines[1]!.sku,
      category: sale.lines[1]!.category,
      brand: `brand-${sale.lines[1]!.sku}`,
      product_known: 1,
      line_total_minor: sale.lines[1]!.line_total_minor,
    });
    const mv = rows.get('inventory_movements')!;
    expect(mv.map((m) => m.change_no)).toEqual([1, 2, 3, 4]);
    expect(mv[0]).toMatchObject({
      event_type: 'SaleRecorded',
      delta: sale.stock[0]!.delta,
      store_seq: sale.store_seq,
    });
  });

  it('an event without enrichment still maps, with null store and product data', () => {
    const sale = f.sale(3);
    const row = storeEventRows(sale).get('sales')![0]!;
    expect(row).toMatchObject({ store_name: null, region: null, store_known: 0, ingested_at_ms: 0 });
    expect(storeEventRows(sale).get('sale_lines')![0]).toMatchObject({ brand: null, product_known: 0 });
  });

  it('payments: captured and failed rows with status, method and reason', () => {
    const sale = f.sale(3);
    const ok = storeEventRows(enrich(f.paymentCaptured(sale))).get('payments')![0]!;
    const bad = storeEventRows(enrich(f.paymentFailed(sale))).get('payments')![0]!;
    expect(ok).toMatchObject({ status: 'captured', failure_reason: null, amount_minor: sale.total_minor });
    expect(bad).toMatchObject({
      status: 'failed',
      method: 'CARD',
      failure_reason: 'card declined',
      provider_ref: null,
    });
  });

  it('voids, refunds, receipts and adjustments', () => {
    const sale = f.sale(3);
    const v = storeEventRows(f.void(sale));
    expect(sizes(v)).toEqual({ voids: 1, inventory_movements: 3 });
    expect(v.get('voids')![0]).toMatchObject({ was_paid: 1, total_minor: sale.total_minor });
    const r = storeEventRows(f.refund(sale));
    expect(sizes(r)).toEqual({ refunds: 1 });
    expect(r.get('refunds')![0]).toMatchObject({ line_count: 1, quantity: 1 });
    const g = f.goodsReceived();
    expect(sizes(storeEventRows(g))).toEqual({ inventory_movements: g.stock.length });
    const a = storeEventRows(f.adjustment()).get('inventory_movements')!;
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ event_type: 'InventoryAdjusted', delta: -1 });
  });

  it('refuses values the columns cannot hold (dead-lettered, not retried)', () => {
    const sale = { ...f.sale(3), store_seq: 0 };
    expect(() => storeEventRows(sale)).toThrow(
      expect.objectContaining({ code: 'ROW_INVALID', retriable: false }),
    );
  });

  it('every table a mixed stream touches is a known table', () => {
    const g = new StoreEventFactory('s2');
    let total = 0;
    for (const e of g.mixed(300)) {
      const rows = storeEventRows(e);
      for (const t of rows.keys()) expect(TABLES).toContain(t);
      total += countRows(rows);
    }
    expect(total).toBeGreaterThan(300);
  });
});

describe('kpiWindowRows', () => {
  const kpi: KpiWindowUpdated = {
    scope: 'store:s1',
    store_id: 's1',
    window_size: 'M15',
    window_start: 1_700_000_100_000,
    window_end: 1_700_001_000_000,
    timezone: null,
    revision: 3,
    is_final: true,
    gmv_minor: 500_000,
    currency: 'VND',
    orders: 4,
    items: 9,
    refunds_minor: 0,
    voids_minor: 0,
    refund_count: 0,
    void_count: 0,
    payments_attempted: 5,
    payments_captured: 4,
    payments_by_method: { QR: 100_000, CASH: 400_000 },
    updated_at: 1_700_001_000_500,
  };

  it('one row, version = revision, the method map as sorted parallel arrays', () => {
    const row = kpiWindowRows(kpi).get('kpi_windows')![0]!;
    expect(row).toMatchObject({
      scope: 'store:s1',
      window_size: 'M15',
      window_start_ms: kpi.window_start,
      revision: 3,
      is_final: 1,
      payment_methods: ['CASH', 'QR'],
      payment_amounts_minor: [400_000, 100_000],
    });
  });

  it('refuses a negative revision', () => {
    expect(() => kpiWindowRows({ ...kpi, revision: -1 })).toThrow(
      expect.objectContaining({ code: 'ROW_INVALID' }),
    );
  });
});
