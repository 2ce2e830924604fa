import type { StoreEvent } from '@retail-stream/schemas';
import type { TransactionState } from './projection-plan.ts';

/**
 * Transaction ids are chosen by the store (UUIDv7), so store B can name one of store A's (printed
 * on A's receipts). transaction_by_id_and_store is keyed by (transaction_id, store_id): B's event
 * writes B's own row, nothing of A's, whichever of the two reaches HQ first. The sink therefore
 * refuses nothing (refusing the second store would let B, arriving first, get A's genuine events
 * dead-lettered), but an id used by two stores is a buggy or compromised store, so it is made
 * visible: each such event is logged and counted (retail_sink_shared_transaction_ids_total), and a
 * reader holding only the id sees one row per store.
 */
export interface SharedTransactionId {
  transactionId: string;
  /** The store whose event this is (and whose row it writes). */
  storeId: string;
  /** Other stores with a row for this id, or naming it earlier in the same batch. */
  otherStores: string[];
}

/** Every event of the batch naming a transaction id that another store also holds or names. */
export function sharedTransactionIds(
  events: readonly StoreEvent[],
  known: ReadonlyMap<string, TransactionState>,
): SharedTransactionId[] {
  const holders = new Map<string, Set<string>>();
  const hold = (id: string, store: string) => {
    const set = holders.get(id) ?? new Set<string>();
    set.add(store);
    holders.set(id, set);
  };
  for (const [key, state] of known) hold(key.slice(state.storeId.length + 1), state.storeId);
  const out: SharedTransactionId[] = [];
  for (const e of events) {
    if (!('transaction_id' in e)) continue;
    const others = [...(holders.get(e.transaction_id) ?? [])].filter((s) => s !== e.store_id).sort();
    if (others.length > 0)
      out.push({ transactionId: e.transaction_id, storeId: e.store_id, otherStores: others });
    hold(e.transaction_id, e.store_id);
  }
  return out;
}
