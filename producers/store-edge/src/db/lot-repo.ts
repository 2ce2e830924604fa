import type pg from 'pg';
import type { LotQuantity } from '@retail-stream/schemas';
import type { SoldLot } from '../lots.ts';
import type { GuardedWrite } from './guarded-write.ts';

/*
 * stock_lots and line_item_lots. Dates go in and out as days since 1970-01-01 (the Avro `date`), so
 * no Date object and no time zone is involved. Every caller has already locked the SKUs'
 * local_inventory rows (in SKU order), so lot rows are only ever changed under that lock and need no
 * order of their own to be deadlock-free; statements still lock and write them in (sku, lot) order.
 */

const DAYS = (col: string) => `(${col} - DATE '1970-01-01')`;
const DATE_OF = (param: string) => `(DATE '1970-01-01' + ${param})`;

export interface LotRow extends LotQuantity {
  sku: string;
}

/**
 * Adds received units to their lots (a lot is created on first receipt). Returns the lots whose
 * stored dates differ from the received ones: those were NOT changed, and the caller refuses.
 */
export async function receiveLots(
  client: pg.ClientBase,
  storeId: string,
  lots: readonly LotRow[],
): Promise<{ sku: string; lot_no: string }[]> {
  if (lots.length === 0) return [];
  const sorted = [...lots].sort((a, b) => cmp(a.sku, b.sku) || cmp(a.lot_no, b.lot_no));
  const { rows } = await client.query<{ sku: string; lot_no: string }>(
    `INSERT INTO stock_lots AS s (store_id, sku, lot_no, manufactured_on, expires_on, on_hand)
     SELECT $1, r.sku, r.lot_no, ${DATE_OF('r.m')}, ${DATE_OF('r.e')}, r.q
       FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[]) WITH ORDINALITY AS r(sku, lot_no, m, e, q, n)
      ORDER BY r.n
     ON CONFLICT (store_id, sku, lot_no) DO UPDATE SET on_hand = s.on_hand + EXCLUDED.on_hand, updated_at = now()
       WHERE s.manufactured_on = EXCLUDED.manufactured_on AND s.expires_on = EXCLUDED.expires_on
     RETURNING s.sku, s.lot_no`,
    [
      storeId,
      sorted.map((l) => l.sku),
      sorted.map((l) => l.lot_no),
      sorted.map((l) => l.manufactured_on),
      sorted.map((l) => l.expires_on),
      sorted.map((l) => l.quantity),
    ],
  );
  const written = new Set(rows.map((r) => `${r.sku}\u0000${r.lot_no}`));
  return sorted.filter((l) => !written.has(`${l.sku}\u0000${l.lot_no}`));
}

/**
 * The lots a sale takes (planned first-expiry-first-out from the read, lots.ts planFefo), CTE `lots`
 * of the checkout's guarded write: each lot is decremented only if it still holds what is taken and
 * is still unexpired on `today`, else the row count falls short and the statement undoes itself (a
 * concurrent sale took units first: read again and plan again), so a lot is never oversold and
 * expired lots are never sold. It runs after `sold` has locked all the SKUs' inventory rows (the
 * count makes sure of it), the lock under which lots change.
 */
export function takeLotsWrite(
  storeId: string,
  lots: readonly LotRow[],
  today: number,
  soldSkus: number,
): GuardedWrite {
  return {
    name: 'lots',
    rows: lots.length,
    text: `UPDATE stock_lots s SET on_hand = s.on_hand - t.q, updated_at = now()
        FROM unnest($2::text[], $3::text[], $4::int[]) AS t(sku, lot_no, q)
       WHERE s.store_id = $1 AND s.sku = t.sku AND s.lot_no = t.lot_no AND s.on_hand >= t.q
         AND s.expires_on > ${DATE_OF('$5::int')} AND (SELECT count(*) FROM sold) = $6
      RETURNING s.sku`,
    values: [
      storeId,
      lots.map((l) => l.sku),
      lots.map((l) => l.lot_no),
      lots.map((l) => l.quantity),
      today,
      soldSkus,
    ],
  };
}

/** Records which lots each sold line took (after the guard, in the checkout's guarded write). */
export function soldLotsWrite(
  storeId: string,
  txId: string,
  lots: readonly (LotRow & { line_no: number })[],
): GuardedWrite {
  return {
    name: 'sold_lots',
    rows: lots.length,
    text: `INSERT INTO line_item_lots (transaction_id, line_no, store_id, sku, lot_no, manufactured_on, expires_on, quantity)
      SELECT $1::uuid, r.line_no, $2::text, r.sku, r.lot_no, ${DATE_OF('r.m')}, ${DATE_OF('r.e')}, r.q
        FROM guard, unnest($3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[]) AS r(line_no, sku, lot_no, m, e, q)
      RETURNING 1`,
    values: [
      txId,
      storeId,
      lots.map((l) => l.line_no),
      lots.map((l) => l.sku),
      lots.map((l) => l.lot_no),
      lots.map((l) => l.manufactured_on),
      lots.map((l) => l.expires_on),
      lots.map((l) => l.quantity),
    ],
  };
}

/** The lots a sale's lines were sold from, with what was refunded of each. */
export async function loadSoldLots(db: pg.ClientBase, txId: string): Promise<SoldLot[]> {
  const { rows } = await db.query<SoldLot>(
    `SELECT line_no, sku, lot_no, ${DAYS('manufactured_on')} AS manufactured_on, ${DAYS('expires_on')} AS expires_on,
            quantity, refunded_quantity
       FROM line_item_lots WHERE transaction_id = $1 ORDER BY line_no, expires_on, lot_no`,
    [txId],
  );
  return rows;
}

/** Counts refunded units against the sold lots they came back from. */
export async function markLotsRefunded(
  client: pg.ClientBase,
  txId: string,
  lots: readonly { line_no: number; lot_no: string; quantity: number }[],
): Promise<void> {
  if (lots.length === 0) return;
  await client.query(
    `UPDATE line_item_lots li SET refunded_quantity = li.refunded_quantity + r.q
       FROM unnest($2::int[], $3::text[], $4::int[]) AS r(line_no, lot_no, q)
      WHERE li.transaction_id = $1 AND li.line_no = r.line_no AND li.lot_no = r.lot_no`,
    [txId, lots.map((l) => l.line_no), lots.map((l) => l.lot_no), lots.map((l) => l.quantity)],
  );
}

/** Puts units back into their lots (void, refund with restock); a lot row missing is re-created. */
export async function restockLots(
  client: pg.ClientBase,
  storeId: string,
  lots: readonly LotRow[],
): Promise<void> {
  const merged = new Map<string, LotRow>();
  for (const l of lots) {
    const k = `${l.sku}\u0000${l.lot_no}`;
    const had = merged.get(k);
    merged.set(k, had ? { ...had, quantity: had.quantity + l.quantity } : { ...l });
  }
  if (merged.size === 0) return;
  const sorted = [...merged.values()].sort((a, b) => cmp(a.sku, b.sku) || cmp(a.lot_no, b.lot_no));
  await client.query(
    `INSERT INTO stock_lots AS s (store_id, sku, lot_no, manufactured_on, expires_on, on_hand)
     SELECT $1, r.sku, r.lot_no, ${DATE_OF('r.m')}, ${DATE_OF('r.e')}, r.q
       FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[]) WITH ORDINALITY AS r(sku, lot_no, m, e, q, n)
      ORDER BY r.n
     ON CONFLICT (store_id, sku, lot_no) DO UPDATE SET on_hand = s.on_hand + EXCLUDED.on_hand, updated_at = now()`,
    [
      storeId,
      sorted.map((l) => l.sku),
      sorted.map((l) => l.lot_no),
      sorted.map((l) => l.manufactured_on),
      sorted.map((l) => l.expires_on),
      sorted.map((l) => l.quantity),
    ],
  );
}

/** The named lots of the SKUs, row-locked (sku, lot order); missing lots are simply absent. */
export async function lockLots(
  client: pg.ClientBase,
  storeId: string,
  wanted: readonly { sku: string; lot_no: string }[],
): Promise<Map<string, LotRow & { on_hand: number }>> {
  if (wanted.length === 0) return new Map();
  const { rows } = await client.query<LotRow & { on_hand: number }>(
    `SELECT s.sku, s.lot_no, ${DAYS('s.manufactured_on')} AS manufactured_on, ${DAYS('s.expires_on')} AS expires_on,
            s.on_hand, s.on_hand AS quantity
       FROM stock_lots s JOIN unnest($2::text[], $3::text[]) AS w(sku, lot_no) ON s.sku = w.sku AND s.lot_no = w.lot_no
      WHERE s.store_id = $1 ORDER BY s.sku, s.lot_no FOR UPDATE OF s`,
    [storeId, wanted.map((w) => w.sku), wanted.map((w) => w.lot_no)],
  );
  return new Map(rows.map((r) => [lotKey(r.sku, r.lot_no), r]));
}

/** Takes written-off units out of their (locked) lots. */
export async function takeLots(
  client: pg.ClientBase,
  storeId: string,
  lots: readonly LotRow[],
): Promise<void> {
  if (lots.length === 0) return;
  await client.query(
    `UPDATE stock_lots s SET on_hand = s.on_hand - r.q, updated_at = now()
       FROM unnest($2::text[], $3::text[], $4::int[]) AS r(sku, lot_no, q)
      WHERE s.store_id = $1 AND s.sku = r.sku AND s.lot_no = r.lot_no`,
    [storeId, lots.map((l) => l.sku), lots.map((l) => l.lot_no), lots.map((l) => l.quantity)],
  );
}

export function lotKey(sku: string, lotNo: string): string {
  return `${sku}\u0000${lotNo}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
