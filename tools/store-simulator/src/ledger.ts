import fs from 'node:fs';
import path from 'node:path';
import type { SaleRecorded } from '@retail-stream/schemas';
import type { PharmacyDocumentRecord } from './pharmacy-ledger.ts';

/**
 * The simulator's ledger: one JSON object per line (JSON Lines), written when the store edge
 * acknowledged the operation, so it is what the stores promised, independent of Kafka and HQ. The
 * end-to-end checker compares HQ's totals with it. Format documented in README.md ("Ledger").
 * Money is integer minor units with the currency, as everywhere.
 */
export const LEDGER_VERSION = 1;

/** Units of one production lot (medicines), dates as ISO days (YYYY-MM-DD) in the store's calendar. */
export interface LedgerLot {
  lot_no: string;
  manufactured_on: string;
  expires_on: string;
  qty: number;
}

export interface LedgerSaleLine {
  line_no: number;
  sku: string;
  qty: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_minor: number;
  line_total_minor: number;
  /** Lot-tracked products (medicines) only: the lots the store sold from, earliest expiry first. */
  lots?: LedgerLot[];
}

export interface LedgerPayment {
  payment_id: string;
  method: 'CASH' | 'CARD' | 'QR';
  /** CAPTURED counts towards the sale; FAILED attempts (declined card, failed QR) are kept for the record. */
  status: string;
  amount_minor: number;
}

export type LedgerRecord =
  | {
      kind: 'run_started';
      run_id: string;
      seed: number;
      options: Record<string, unknown>;
      /** pharmacy_code: the ma_co_so the run drove the store as a pharmacy with; null for other stores. */
      stores: { store_id: string; currency: string; timezone: string; pharmacy_code?: string | null }[];
    }
  | ({
      kind: 'sale';
      store_id: string;
      terminal_id: string;
      cashier_id: string;
      status: string;
      lines: LedgerSaleLine[];
      payments: LedgerPayment[];
      finalized_at: string;
      /** The national prescription code the sale was dispensed against (pharmacy stores); absent or null: none. */
      prescription_code?: string | null;
      // The sale's totals, named and typed as in the SaleRecorded event they must match.
    } & Pick<
      SaleRecorded,
      | 'transaction_id'
      | 'currency'
      | 'subtotal_minor'
      | 'discount_minor'
      | 'tax_minor'
      | 'total_minor'
      | 'item_count'
    >)
  | {
      kind: 'void';
      store_id: string;
      terminal_id: string;
      transaction_id: string;
      was_paid: boolean;
      /** The sale's total (0 for an empty basket); for a paid sale the amount taken back. */
      total_minor: number;
      currency: string;
      reason: string;
    }
  | {
      kind: 'refund';
      store_id: string;
      terminal_id: string;
      transaction_id: string;
      refund_id: string;
      /** true: everything not yet refunded; false: the lines listed. */
      whole: boolean;
      amount_minor: number;
      currency: string;
      /** The sale's status after this refund: PARTIALLY_REFUNDED or REFUNDED. */
      transaction_status: string;
      restock: boolean;
      lines: { line_no: number; sku: string; qty: number; amount_minor: number; lots?: LedgerLot[] }[];
    }
  | {
      kind: 'goods_receipt';
      store_id: string;
      terminal_id: string;
      receipt_id: string;
      supplier_id: string;
      currency: string;
      total_cost_minor: number;
      lines: { sku: string; qty: number; unit_cost_minor: number; lots?: LedgerLot[] }[];
    }
  | {
      kind: 'stock_count';
      store_id: string;
      terminal_id: string;
      adjustment_id: string;
      reason: string;
      lines: { sku: string; counted: number; delta: number; on_hand_after: number }[];
    }
  | {
      /** Stock of named lots taken out of sale (pharmacy stores): expired or destroyed. */
      kind: 'write_off';
      store_id: string;
      terminal_id: string;
      adjustment_id: string;
      reason: 'EXPIRY' | 'DESTRUCTION';
      currency: string;
      /** qty: units written off (positive); lots: which lots, quantities summing to qty. */
      lines: { sku: string; qty: number; on_hand_after: number; lots: LedgerLot[] }[];
    }
  | PharmacyDocumentRecord
  | {
      kind: 'run_finished';
      run_id: string;
      totals: Record<string, unknown>;
    };

export type LedgerEntry = LedgerRecord & { v: number; seq: number; at: string };

/** One ledger line (with its newline): version, line number and write time first, then the record. */
export function ledgerLine(record: LedgerRecord, seq: number, at: Date): string {
  return `${JSON.stringify({ v: LEDGER_VERSION, seq, at: at.toISOString(), ...record })}\n`;
}

/** Parses a whole ledger; a line that is not a ledger record of this version throws with its number. */
export function parseLedger(text: string): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`ledger line ${i + 1} is not JSON`);
    }
    const entry = value as Partial<LedgerEntry>;
    if (entry.v !== LEDGER_VERSION || typeof entry.kind !== 'string' || typeof entry.seq !== 'number') {
      throw new Error(`ledger line ${i + 1} is not a version ${LEDGER_VERSION} ledger record`);
    }
    entries.push(entry as LedgerEntry);
  }
  return entries;
}

/** Appends records to a new file (an existing one is replaced: one ledger per run). */
export class LedgerWriter {
  private seq = 0;
  private readonly stream: fs.WriteStream;
  private failed: Error | undefined;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.stream = fs.createWriteStream(file, { flags: 'w', encoding: 'utf8' });
    this.stream.on('error', (err) => {
      this.failed = err;
    });
  }

  get records(): number {
    return this.seq;
  }

  write(record: LedgerRecord): void {
    if (this.failed) throw this.failed;
    this.seq += 1;
    this.stream.write(ledgerLine(record, this.seq, new Date()));
  }

  /** Flushes and closes; the file is complete when this resolves. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.stream.closed) return resolve();
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}
