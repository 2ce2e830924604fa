/**
 * The write timestamp (`USING TIMESTAMP`) of every cell an event writes: its store_seq.
 *
 * Why this is safe (guarantee 4):
 *  - store_seq is per store, gap-free and increasing in commit order, so within a store a later
 *    event always has a higher timestamp: Cassandra's last-write-wins keeps the newest state per
 *    cell whatever order the writes arrive in (redelivery, replay, a void seen before its sale).
 *  - the same event always writes the same values with the same timestamp, so a replay rewrites
 *    identical cells: no duplicates, no counters, no read-modify-write.
 *  - every key of every table includes store_id (transaction_by_id_and_store: transaction id and
 *    store), so cells of different stores (whose sequences are unrelated) never meet, even when a
 *    store names another store's transaction id.
 *  - cells that copy another event's state (a sale picking up a void seen earlier) are written with
 *    that event's timestamp (or hold immutable values), so a copy is the same write again.
 *
 * The values are tiny next to wall-clock microseconds, so anything writing these tables without
 * USING TIMESTAMP would shadow the sink forever: nothing else may write them.
 */
export function writeTimestamp(storeSeq: number): bigint {
  if (!Number.isSafeInteger(storeSeq) || storeSeq < 1) {
    throw new RangeError(`store_seq must be a positive safe integer, got ${storeSeq}`);
  }
  return BigInt(storeSeq);
}
