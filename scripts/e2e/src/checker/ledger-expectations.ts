import type { LedgerEntry } from '@retail-stream/store-simulator';

/**
 * What the stores promised, read from the simulator's ledger: every finalized sale with its final
 * status and refunded amount, every void and refund. The checker compares each sink with these.
 * Pure, so the ledger rules (README "Ledger") are unit-tested apart from the databases.
 */

export interface ExpectedSale {
  store_id: string;
  currency: string;
  total_minor: number;
  item_count: number;
  /** PAID, VOIDED, PARTIALLY_REFUNDED or REFUNDED after every later void/refund. */
  status: string;
  voided: boolean;
  refunded_minor: number;
  refund_count: number;
}

export interface ExpectedVoid {
  store_id: string;
  was_paid: boolean;
  total_minor: number;
}

export interface ExpectedRefund {
  store_id: string;
  transaction_id: string;
  amount_minor: number;
}

export interface LedgerExpectations {
  runId: string | undefined;
  /** Time the run started (ISO), from the run_started record (or the first record). */
  startedAt: string | undefined;
  stores: { store_id: string; currency: string; timezone: string }[];
  /** Every store that appears in the ledger (run_started list plus any record's store). */
  storeIds: string[];
  /** Keyed by transaction_id. */
  sales: Map<string, ExpectedSale>;
  /** Keyed by transaction_id (one void per transaction). */
  voids: Map<string, ExpectedVoid>;
  /** Keyed by refund_id. */
  refunds: Map<string, ExpectedRefund>;
  finished: boolean;
  /** Ledger records that contradict the format (e.g. a refund of an unknown sale). */
  problems: string[];
}

export function ledgerExpectations(entries: readonly LedgerEntry[]): LedgerExpectations {
  const out: LedgerExpectations = {
    runId: undefined,
    startedAt: entries[0]?.at,
    stores: [],
    storeIds: [],
    sales: new Map(),
    voids: new Map(),
    refunds: new Map(),
    finished: false,
    problems: [],
  };
  const storeIds = new Set<string>();
  for (const e of entries) {
    switch (e.kind) {
      case 'run_started':
        out.runId = e.run_id;
        out.startedAt = e.at;
        out.stores = e.stores;
        for (const s of e.stores) storeIds.add(s.store_id);
        break;
      case 'run_finished':
        out.finished = true;
        break;
      case 'sale':
        storeIds.add(e.store_id);
        if (out.sales.has(e.transaction_id)) out.problems.push(`sale ${e.transaction_id} recorded twice`);
        out.sales.set(e.transaction_id, {
          store_id: e.store_id,
          currency: e.currency,
          total_minor: e.total_minor,
          item_count: e.item_count,
          status: e.status,
          voided: false,
          refunded_minor: 0,
          refund_count: 0,
        });
        break;
      case 'void': {
        storeIds.add(e.store_id);
        out.voids.set(e.transaction_id, {
          store_id: e.store_id,
          was_paid: e.was_paid,
          total_minor: e.total_minor,
        });
        if (!e.was_paid) break;
        const sale = out.sales.get(e.transaction_id);
        if (!sale) {
          out.problems.push(`paid void of unknown sale ${e.transaction_id}`);
          break;
        }
        sale.status = 'VOIDED';
        sale.voided = true;
        break;
      }
      case 'refund': {
        storeIds.add(e.store_id);
        out.refunds.set(e.refund_id, {
          store_id: e.store_id,
          transaction_id: e.transaction_id,
          amount_minor: e.amount_minor,
        });
        const sale = out.sales.get(e.transaction_id);
        if (!sale) {
          out.problems.push(`refund ${e.refund_id} of unknown sale ${e.transaction_id}`);
          break;
        }
        sale.status = e.transaction_status;
        sale.refunded_minor += e.amount_minor;
        sale.refund_count += 1;
        break;
      }
      default:
        storeIds.add(e.store_id);
    }
  }
  out.storeIds = [...storeIds].sort();
  return out;
}

/** HQ Postgres keeps only PAID/VOIDED as status (refunds are an amount beside it). */
export function hqStatus(sale: ExpectedSale): 'PAID' | 'VOIDED' {
  return sale.voided ? 'VOIDED' : 'PAID';
}

/** Net sales per store: Σ sales − Σ paid voids − Σ refunds (README "Ledger"). */
export function netSalesByStore(x: LedgerExpectations): Map<string, number> {
  const net = new Map<string, number>();
  const add = (store: string, v: number) => net.set(store, (net.get(store) ?? 0) + v);
  for (const s of x.sales.values()) add(s.store_id, s.total_minor);
  for (const v of x.voids.values()) if (v.was_paid) add(v.store_id, -v.total_minor);
  for (const r of x.refunds.values()) add(r.store_id, -r.amount_minor);
  return net;
}
