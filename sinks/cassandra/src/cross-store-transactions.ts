import { AppError } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import type { TransactionState } from './projection-plan.ts';

/**
 * transaction_by_id is keyed by transaction_id alone (reads by id: trace, the end-to-end checker,
 * the shadow diff), and every write to it is a cell update, so an event from store B naming store
 * A's transaction id would overwrite A's cells (store_id, status, payments...) whenever B's
 * store_seq is higher. Before any write, the sink therefore checks each event's transaction id
 * against the store that already owns it (the row planning reads anyway) and, within a batch,
 * against the first store that named it; a mismatch is refused with CROSS_STORE_TRANSACTION_ID,
 * which the sink kit isolates and dead-letters (counted by code in retail_sink_dead_letters_total).
 * The other tables are keyed by store_id first and cannot be reached from another store.
 *
 * Transaction ids are UUIDv7 minted by the owning store: another store learns one only after its
 * first event was published, i.e. after the row exists, so the read-before-write check suffices;
 * two stores' first events for one id in concurrent batches of different partitions are not
 * serialised (see docs/security.md).
 */
export class CrossStoreTransactionError extends AppError<'CROSS_STORE_TRANSACTION_ID'> {
  constructor(transactionId: string, sender: string, owner: string) {
    super(
      'CROSS_STORE_TRANSACTION_ID',
      `transaction ${transactionId} named by store ${sender} belongs to store ${owner}`,
      { retriable: false },
    );
  }
}

/** Throws CrossStoreTransactionError for the first event naming a transaction another store owns. */
export function refuseCrossStoreTransactions(
  events: readonly StoreEvent[],
  known: ReadonlyMap<string, TransactionState>,
): void {
  const owners = new Map<string, string>();
  for (const [id, state] of known) if (state.storeId !== null) owners.set(id, state.storeId);
  for (const e of events) {
    if (!('transaction_id' in e)) continue;
    const owner = owners.get(e.transaction_id);
    if (owner === undefined) owners.set(e.transaction_id, e.store_id);
    else if (owner !== e.store_id) throw new CrossStoreTransactionError(e.transaction_id, e.store_id, owner);
  }
}
