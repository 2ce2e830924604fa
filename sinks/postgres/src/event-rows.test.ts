import { rawSourceOf, seededRandom } from '@retail-stream/runtime';
import type { SaleRecorded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { enrich } from '../test/harness.ts';
import { inboxRow, iso, mapEvents, mapKpis, uniqueEvents, type SourcedEvent } from './event-rows.ts';
import { kpiRecord } from '../test/harness.ts';

const src = (events: StoreEvent[]): SourcedEvent[] =>
  events.map((event, i) => ({ event, partition: 2, offset: String(10 + i) }));

describe('mapEvents', () => {
  const f = new StoreEventFactory('s1', seededRandom(3), 1, () => Date.UTC(2026, 10, 20, 3));
  const sale = enrich(f.sale(3));
  const pay = enrich(f.paymentCaptured(sale));
  const fail = enrich(f.paymentFailed(sale));
  const refund = enrich(f.refund(sale));
  const voided = enrich(f.void(sale));
  const receipt = enrich(f.goodsReceived());
  const adjust = enrich(f.adjustment());

  it('maps a sale to a PAID transaction and its lines, with category and brand from enrichment', () => {
    const rows = mapEvents(src([sale]));
    expect(rows.transactions).toEqual([
      expect.objectContaining({
        store_id: 's1',
        transaction_id: sale.transaction_id,
        sale_event_id: sale.event_id,
        status: 'PAID',
        total_minor: sale.total_minor,
        item_count: sale.item_count,
        currency: 'VND',
        occurred_at: iso(sale.occurred_at),
        refunded_minor: 0,
      }),
    ]);
    expect(rows.lineItems).toHaveLength(3);
    const l = sale.lines[0]!;
    expect(rows.lineItems[0]).toMatchObject({
      line_no: l.line_no,
      sku: l.sku,
      quantity: l.quantity,
      line_total_minor: l.line_total_minor,
      category: sale.enrichment!.products.find((p) => p.sku === l.sku)!.category,
      brand: `Brand ${l.category}`,
    });
    expect(rows.inventory.map((i) => [i.sku, i.on_hand])).toEqual(
      sale.stock.map((s) => [s.sku, s.on_hand_after]),
    );
    expect(rows.stores).toEqual([
      {
        store_id: 's1',
        name: 'Store s1',
        region: 'South',
        timezone: 'Asia/Ho_Chi_Minh',
        currency: 'VND',
        last_event_at: iso(sale.occurred_at),
        last_store_seq: sale.store_seq,
        events_total: 1,
      },
    ]);
  });

  it('maps payments (captured and failed), refunds with lines, receipts and adjustments', () => {
    const rows = mapEvents(src([pay, fail, refund, receipt, adjust]));
    expect(rows.payments.map((p) => [p.status, p.failure_reason, p.amount_minor])).toEqual([
      ['CAPTURED', null, sale.total_minor],
      ['FAILED', 'card declined', sale.total_minor],
    ]);
    expect(rows.refunds).toHaveLength(1);
    expect(rows.refundLines).toHaveLength(1);
    expect(rows.goodsReceipts[0]!.lines).toBe(JSON.stringify((receipt as { lines: unknown }).lines));
    expect(JSON.parse(rows.adjustments[0]!.stock)).toEqual((adjust as { stock: unknown }).stock);
    // A refund alone makes a placeholder transaction carrying only what the refund knows.
    expect(rows.transactions).toEqual([
      expect.objectContaining({
        sale_event_id: null,
        total_minor: null,
        refunded_minor: refund.event_type === 'SaleRefunded' ? refund.amount_minor : -1,
        refund_count: 1,
        status: 'PAID',
      }),
    ]);
    expect(rows.stores[0]!.events_total).toBe(5);
  });

  it('merges sale, refund and void of one transaction in one batch into one row', () => {
    const rows = mapEvents(src([sale, pay, refund, voided]));
    expect(rows.transactions).toHaveLength(1);
    expect(rows.transactions[0]).toMatchObject({
      status: 'VOIDED',
      voided_minor: sale.total_minor,
      void_event_id: voided.event_id,
      total_minor: sale.total_minor,
      refund_count: 1,
    });
  });

  it('ignores voids of unpaid sales for the transaction table', () => {
    const unpaid = { ...voided, was_paid: false, stock: [] } as StoreEvent;
    expect(mapEvents(src([unpaid])).transactions).toEqual([]);
  });

  it('keeps the stock of the highest store_seq per SKU, whatever the order in the batch', () => {
    const later = enrich(f.void(sale as SaleRecorded));
    const rows = mapEvents(src([later, sale]));
    for (const s of 'stock' in later ? later.stock : []) {
      expect(rows.inventory.find((i) => i.sku === s.sku)).toMatchObject({
        on_hand: s.on_hand_after,
        last_store_seq: later.store_seq,
      });
    }
  });

  it('leaves reference fields null for a store unknown to reference data', () => {
    const unknown = enrich(f.sale(3), { known: false });
    expect(mapEvents(src([unknown])).stores[0]).toMatchObject({
      name: null,
      region: null,
      timezone: null,
      currency: null,
    });
  });

  it('keeps the source position in the inbox row and drops repeated ids', () => {
    const [first] = src([sale]);
    expect(inboxRow(first!)).toEqual({
      event_id: sale.event_id,
      store_id: 's1',
      store_seq: sale.store_seq,
      event_type: 'SaleRecorded',
      occurred_at: iso(sale.occurred_at),
      source_partition: 2,
      source_offset: '10',
      raw_partition: null,
      raw_offset: null,
      raw_at: null,
      enriched_at: null,
    });
    const traced = {
      ...first!,
      timestamp: 1_700_000_000_500,
      raw: { partition: 1, offset: '7', timestamp: 1_700_000_000_000 },
    };
    expect(inboxRow(traced)).toMatchObject({
      raw_partition: 1,
      raw_offset: '7',
      raw_at: iso(1_700_000_000_000),
      enriched_at: iso(1_700_000_000_500),
    });
    expect(uniqueEvents(src([sale, pay, sale, pay])).map((e) => e.event.event_id)).toEqual([
      sale.event_id,
      pay.event_id,
    ]);
  });
});

describe('mapKpis', () => {
  it('keeps the highest revision per window key', () => {
    const rows = mapKpis([
      kpiRecord({ revision: 2, gmv_minor: 2 }),
      kpiRecord({ revision: 5, gmv_minor: 5 }),
      kpiRecord({ revision: 1, gmv_minor: 1 }),
      kpiRecord({ window_size: 'M15', revision: 1 }),
    ]);
    expect(rows.map((r) => [r.window_size, r.revision, r.gmv_minor])).toEqual([
      ['H1', 5, 5],
      ['M15', 1, 100_000],
    ]);
    expect(rows[0]).toMatchObject({
      window_start: '2026-11-22T01:00:00.000Z',
      payments_by_method: '{"CASH":60000,"QR":40000}',
    });
  });
});

describe('rawSourceOf (the runtime parser the sink fills hq_inbox.raw_* with)', () => {
  it('reads the raw partition, offset and timestamp ingest puts in its one ingest.source header', () => {
    expect(rawSourceOf({ 'ingest.source': Buffer.from('3/42/1700000000000') })).toEqual({
      partition: 3,
      offset: '42',
      timestamp: 1_700_000_000_000,
    });
  });

  it('still reads the three headers of records older ingest versions wrote', () => {
    expect(
      rawSourceOf({
        'ingest.source.partition': Buffer.from('3'),
        'ingest.source.offset': Buffer.from('42'),
        'ingest.source.timestamp': Buffer.from('1700000000000'),
      }),
    ).toEqual({ partition: 3, offset: '42', timestamp: 1_700_000_000_000 });
  });

  it('is undefined without them or with garbage', () => {
    expect(rawSourceOf({ event_id: Buffer.from('x') })).toBeUndefined();
    expect(rawSourceOf(undefined)).toBeUndefined();
    expect(
      rawSourceOf({ 'ingest.source.partition': Buffer.from('x'), 'ingest.source.offset': Buffer.from('1') }),
    ).toBeUndefined();
    expect(rawSourceOf({ 'ingest.source': Buffer.from('3/42') })).toBeUndefined();
  });
});
