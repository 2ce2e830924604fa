import { generateCatalogue } from '@retail-stream/fixtures';
import { eventSchema } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import { CORE_EVENTS_PER_SALE, SaleMix } from './sale-mix.ts';

const products = generateCatalogue(60, 3).filter((p) => p.drug === null);

/** A draft as the outbox writer envelopes it (outbox-rows.ts), so the Avro schema can judge it. */
function envelope(
  storeId: string,
  seq: number,
  d: { event_type: string; terminal_id: string | null; cashier_id: string | null; fields: object },
) {
  return {
    event_id: '0190a0b0-0000-7000-8000-000000000000',
    event_type: d.event_type,
    store_id: storeId,
    terminal_id: d.terminal_id,
    cashier_id: d.cashier_id,
    store_seq: seq,
    occurred_at: 1_765_000_000_000,
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    ...d.fields,
    enrichment: null,
  };
}

describe('SaleMix', () => {
  it('makes events the Avro catalogue accepts, with the sale at saleIndex and eventsPerSale on average', () => {
    const mix = new SaleMix('s001', 'VND', products, 7, 11);
    const counts = new Map<string, number>();
    let events = 0;
    for (let i = 0; i < 2_000; i++) {
      const sale = mix.next();
      const flat = sale.appends.flat();
      expect(flat[sale.saleIndex]).toMatchObject({
        event_type: 'SaleRecorded',
        fields: { transaction_id: sale.transactionId },
      });
      for (const d of flat) {
        const rec = envelope('s001', ++events, d);
        expect(eventSchema(d.event_type).type.isValid(rec), `${d.event_type} ${JSON.stringify(rec)}`).toBe(
          true,
        );
        counts.set(d.event_type, (counts.get(d.event_type) ?? 0) + 1);
      }
      expect(sale.events).toBe(flat.length);
    }
    // The back-office credit is exact over a run; the sale's own events vary around 2.2.
    const backOffice = (counts.get('InventoryAdjusted') ?? 0) + (counts.get('GoodsReceived') ?? 0);
    expect(Math.abs(backOffice - 2_000 * (7 - CORE_EVENTS_PER_SALE))).toBeLessThanOrEqual(1);
    expect(Math.abs(events / 2_000 - 7)).toBeLessThan(0.05);
    expect(counts.get('SaleRecorded')).toBe(2_000);
    expect(counts.get('PaymentCaptured')).toBe(2_000);
    // The demo's proportions (seeded, so these are exact for this seed; the bounds say what they mean).
    for (const [type, share] of [
      ['PaymentFailed', 0.1],
      ['SaleVoided', 0.05],
      ['SaleRefunded', 0.05],
    ] as const)
      expect(Math.abs(counts.get(type)! / 2_000 - share)).toBeLessThan(0.02);
    expect(counts.get('InventoryAdjusted')! / counts.get('GoodsReceived')!).toBeGreaterThan(3);
  });

  it('with the demo figure (2.2 per sale) writes no back-office events', () => {
    const mix = new SaleMix('s001', 'VND', products, CORE_EVENTS_PER_SALE, 5);
    const types = new Set(
      Array.from({ length: 500 }, () =>
        mix
          .next()
          .appends.flat()
          .map((d) => d.event_type),
      ).flat(),
    );
    expect(types.has('InventoryAdjusted') || types.has('GoodsReceived')).toBe(false);
    expect(() => new SaleMix('s001', 'VND', products, 2, 5)).toThrow(RangeError);
  });
});
