import pg from 'pg';
import type { LedgerLot } from './ledger.ts';
import { isoDay } from './pharmacy-lots.ts';
import { deliveryLots } from './pharmacy-plan.ts';
import { expectStatus, type StoreClient } from './store-client.ts';

/**
 * The pharmacy integration test's shelf, set up so the run does what the assertions expect whatever
 * the random store id seeds. Opening stock is random per store id (and some opening lots are
 * expired): every medicine is topped up with 60 fresh units (supplier TOPUP), so no sale of the run
 * lacks unexpired stock; and exactly two expired lots (EXP-1: 3 units, EXP-2: 4 units) stay on the
 * shelf, so the run's first write-offs take them whole (EXPIRY) and later ones destroy fresh units.
 */
export async function stockPharmacy(
  backOffice: StoreClient,
  dbUrl: string,
  storeId: string,
  medicines: readonly string[],
): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  let x = 1;
  const random = () => ((x = (x * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
  expectStatus(
    'top-up receipt',
    await backOffice.post('/v1/goods-receipts', {
      cashier_id: 'M-test',
      supplier_id: 'TOPUP',
      lines: medicines.map((sku) => ({
        sku,
        quantity: 60,
        unit_cost_minor: 1_000,
        lots: deliveryLots(random, 60, today),
      })),
    }),
    201,
  );
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    await db.query('DELETE FROM stock_lots WHERE expires_on <= current_date');
    await db.query(
      `INSERT INTO stock_lots (store_id, sku, lot_no, manufactured_on, expires_on, on_hand)
       VALUES ($1, $2, 'EXP-1', current_date - 740, current_date - 10, 3),
              ($1, $3, 'EXP-2', current_date - 1100, current_date - 5, 4)`,
      [storeId, medicines[0], medicines[1]],
    );
  } finally {
    await db.end();
  }
}

/** The store keeps a document's lots as in its event: dates as days since 1970-01-01. */
export function normaliseDates(r: { id: string; sku: string; lots: LedgerLot[] }) {
  return {
    ...r,
    lots: r.lots.map((l) => ({
      ...l,
      manufactured_on: isoDay(Number(l.manufactured_on)),
      expires_on: isoDay(Number(l.expires_on)),
    })),
  };
}

export function byIdSku(a: { id: string; sku: string }, b: { id: string; sku: string }): number {
  return a.id.localeCompare(b.id) || a.sku.localeCompare(b.sku);
}
