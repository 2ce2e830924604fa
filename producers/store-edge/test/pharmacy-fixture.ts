import { eventSchema } from '@retail-stream/schemas';
import { makeEan13 } from '@retail-stream/fixtures';
import { beforeAll, expect } from 'vitest';
import { isoDate, storeDay } from '../src/lots.ts';
import { outboxRows, type Json } from './harness.ts';
import type { useHarness } from './use-harness.ts';

/**
 * Medicines by lot for the pharmacy tests: two drugs seeded into the store's catalogue before the
 * file's tests, and the calls those tests make (receipts, paid sales, lot levels, decoded events).
 */
export function usePharmacyFixture(h: ReturnType<typeof useHarness>) {
  // The harness store's time zone (STORE_TIMEZONE default); every date below is at least 2 days from
  // today, so a test running across midnight cannot flip a lot between expired and not.
  const today = storeDay(new Date(), 'Asia/Ho_Chi_Minh');
  const day = (offset: number) => isoDate(today + offset);

  const MEDICINES = [
    {
      sku: 'MED-1',
      barcode: makeEan13('893100000001'),
      name: 'Paracetamol 500mg Vỉ 10 viên',
      code: 'DQG00010231',
    },
    {
      sku: 'MED-2',
      barcode: makeEan13('893100000002'),
      name: 'Amoxicillin 500mg Vỉ 10 viên',
      code: 'DQG00010368',
    },
  ];
  const barcodeOf = (sku: string) => MEDICINES.find((m) => m.sku === sku)!.barcode;

  beforeAll(async () => {
    for (const m of MEDICINES) {
      await h.db.query(
        `INSERT INTO local_catalog (sku, barcode, name, category, brand, price_minor, tax_rate_bp, drug)
         VALUES ($1, $2, $3, 'Pharmacy', 'DHG Pharma', 10000, 500, $4)`,
        [
          m.sku,
          m.barcode,
          m.name,
          JSON.stringify({
            national_drug_code: m.code,
            registration_no: 'VD-21134-14',
            unit: 'Viên',
            strength: '500mg',
            route: 'Uống',
            dosage: null,
            conversion_ratio: 10,
          }),
        ],
      );
    }
  });

  async function lots(sku: string): Promise<Record<string, number>> {
    const { rows } = await h.db.query<{ lot_no: string; on_hand: number }>(
      'SELECT lot_no, on_hand FROM stock_lots WHERE sku = $1 ORDER BY lot_no',
      [sku],
    );
    return Object.fromEntries(rows.map((r) => [r.lot_no, r.on_hand]));
  }

  function receipt(lines: Json[]) {
    return h.call('POST', '/v1/goods-receipts', {
      body: { cashier_id: 'C1', supplier_id: 'PHARMA-1', lines },
    });
  }

  async function paidSale(
    items: [string, number][],
    finalizeBody?: Json,
  ): Promise<{ id: string; fin: Json }> {
    const open = await h.call('POST', '/v1/transactions', { body: { cashier_id: 'C1' } });
    for (const [sku, quantity] of items) {
      const barcode = sku.startsWith('MED') ? barcodeOf(sku) : makeEan13('893000000001');
      const added = await h.call('POST', `/v1/transactions/${open.body.id}/items`, {
        body: { barcode, quantity },
      });
      expect(added.status).toBe(201);
    }
    expect(
      (await h.call('POST', `/v1/transactions/${open.body.id}/payments`, { body: { method: 'CASH' } }))
        .status,
    ).toBe(201);
    const fin = await h.call('POST', `/v1/transactions/${open.body.id}/finalize`, { body: finalizeBody });
    return { id: open.body.id, fin };
  }

  /** The events written after `seq`, each checked against its Avro schema and decoded from its encoding. */
  async function decodedEventsAfter(seq: number): Promise<Json[]> {
    const rows = (await outboxRows(h)).filter((r) => r.store_seq > seq);
    return rows.map((r) => {
      const { type } = eventSchema(r.event_type);
      expect(type.isValid(r.payload, { noUndeclaredFields: true }), r.event_type).toBe(true);
      return type.fromBuffer(type.toBuffer(r.payload)) as Json;
    });
  }

  const lot = (lot_no: string, m: number, e: number, quantity: number) => ({
    lot_no,
    manufactured_on: day(m),
    expires_on: day(e),
    quantity,
  });

  return { today, day, MEDICINES, barcodeOf, lots, receipt, paidSale, decodedEventsAfter, lot };
}
