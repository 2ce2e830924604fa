import type { LedgerLot } from './ledger.ts';
import type { Json } from './store-client.ts';

const DAY_MS = 86_400_000;

/** An ISO day (YYYY-MM-DD) from what the store edge answered: an ISO day already, or days since 1970-01-01. */
export function isoDay(value: unknown): string {
  if (typeof value === 'number') return new Date(value * DAY_MS).toISOString().slice(0, 10);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  throw new TypeError(`not a date: ${JSON.stringify(value)}`);
}

/** The lots of a line as the store edge answered them, in the ledger's shape (absent or null: none). */
export function ledgerLots(lots: Json): LedgerLot[] {
  if (!Array.isArray(lots)) return [];
  return lots.map((l: Json) => ({
    lot_no: String(l.lot_no),
    manufactured_on: isoDay(l.manufactured_on),
    expires_on: isoDay(l.expires_on),
    qty: Number(l.quantity ?? l.qty),
  }));
}
