import { mapBounded } from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import { toCassandraError } from './cassandra-errors.ts';

/**
 * Data step of migration 002: every row of transaction_by_id into transaction_by_id_and_store
 * (keyed by transaction id and store). Each cell keeps its write time, because the sink's
 * last-write-wins uses the event's store_seq as the timestamp (write-timestamp.ts): a copy written
 * at the wall clock would hide every later sink write forever. Payment entries are copied at their
 * own store_seq (the sink's timestamp for them); refund entries are immutable (one per refund id),
 * so the row's last write time serves. Re-runnable: the same cells with the same timestamps.
 * A missing old table (a new keyspace, or a re-run after 003 dropped it) copies nothing.
 */
const OLD = 'transaction_by_id';
const NEW = 'transaction_by_id_and_store';
const SCALARS = [
  'day',
  'occurred_at',
  'terminal_id',
  'cashier_id',
  'currency',
  'subtotal_minor',
  'discount_minor',
  'tax_minor',
  'total_minor',
  'item_count',
  'lines',
  'status',
  'voided_at',
  'void_reason',
  'sale_seq',
  'last_store_seq',
] as const;
const PAGE = 500;
const CONCURRENCY = 8;

export async function copyTransactionsByStore(client: cassandra.Client, keyspace: string): Promise<number> {
  const run = async (cql: string, params: unknown[], options: cassandra.QueryOptions = {}) => {
    try {
      return await client.execute(cql, params, { prepare: true, ...options });
    } catch (err) {
      throw toCassandraError(err, `copy ${OLD}`);
    }
  };
  const exists = await run(
    'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
    [keyspace, OLD],
  );
  if (exists.rowLength === 0) return 0;
  const select =
    `SELECT transaction_id, store_id, payments, refunds, ` +
    `${SCALARS.map((c) => `${c}, WRITETIME(${c}) AS wt_${c}`).join(', ')} FROM ${keyspace}.${OLD}`;
  const key = 'WHERE transaction_id = ? AND store_id = ?';
  let copied = 0;
  let pageState: string | undefined;
  do {
    const rs = await run(select, [], { fetchSize: PAGE, pageState });
    pageState = rs.pageState ?? undefined;
    await mapBounded(rs.rows, CONCURRENCY, async (r) => {
      const id = r.get('transaction_id') as string;
      const store = r.get('store_id') as string | null;
      // Every sink write set store_id; a row without it has no owner to be keyed by.
      if (store === null) return;
      const writes: { query: string; params: unknown[] }[] = [];
      let rowTs = 0n;
      for (const c of SCALARS) {
        const value = r.get(c) as unknown;
        const ts = r.get(`wt_${c}`) as bigint | null;
        if (value === null || ts === null) continue;
        if (ts > rowTs) rowTs = ts;
        writes.push({
          query: `UPDATE ${keyspace}.${NEW} USING TIMESTAMP ? SET ${c} = ? ${key}`,
          params: [ts, value, id, store],
        });
      }
      const payments = (r.get('payments') as Record<string, { store_seq: bigint }> | null) ?? {};
      for (const [paymentId, p] of Object.entries(payments)) {
        writes.push({
          query: `UPDATE ${keyspace}.${NEW} USING TIMESTAMP ? SET payments[?] = ? ${key}`,
          params: [BigInt(p.store_seq), paymentId, p, id, store],
        });
      }
      const refunds = (r.get('refunds') as Record<string, bigint> | null) ?? {};
      for (const [refundId, amount] of Object.entries(refunds)) {
        writes.push({
          query: `UPDATE ${keyspace}.${NEW} USING TIMESTAMP ? SET refunds[?] = ? ${key}`,
          params: [rowTs > 0n ? rowTs : 1n, refundId, amount, id, store],
        });
      }
      if (writes.length === 0) return;
      try {
        // One partition: an unlogged batch is one mutation.
        await client.batch(writes, { prepare: true, logged: false, isIdempotent: true });
      } catch (err) {
        throw toCassandraError(err, `copy ${OLD} → ${NEW}`);
      }
      copied++;
    });
  } while (pageState);
  return copied;
}
