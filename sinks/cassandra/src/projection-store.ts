import { mapBounded } from '@retail-stream/runtime';
import type { WriteMeter } from '@retail-stream/runtime/sink-kit';
import type cassandra from 'cassandra-driver';
import { toCassandraError } from './cassandra-errors.ts';
import { transactionKey, type TransactionState } from './projection-plan.ts';
import {
  STATEMENT_TABLE,
  statementCql,
  type PaymentCell,
  type RowWrite,
  type StatementName,
} from './statements.ts';
import { groupByPartition } from './write-grouping.ts';

const READ_GROUP = 25;

export interface ProjectionStoreOptions {
  client: cassandra.Client;
  keyspace: string;
  /** Times each write and counts its rows (statements) per table in the shared sink metrics. */
  meter: WriteMeter;
  maxBatchStatements: number;
  concurrency: number;
}

/** The sink's I/O against Cassandra: the reads planning needs, and the writes it produced. */
export class ProjectionStore {
  private readonly cql: Record<StatementName, string>;
  private readonly readCql: string;

  constructor(private readonly opts: ProjectionStoreOptions) {
    this.cql = statementCql(opts.keyspace);
    this.readCql =
      `SELECT transaction_id, store_id, day, occurred_at, status, writetime(status) AS status_ts, payments, refunds ` +
      `FROM ${opts.keyspace}.transaction_by_id_and_store WHERE transaction_id IN ?`;
  }

  /**
   * transaction_by_id_and_store state of each (store, transaction) row of these ids, by
   * transactionKey: the whole partition, so rows of other stores naming the same id come too (the
   * sink counts them; planning only ever looks up the event's own store). Ids go in
   * groups of READ_GROUP per `IN` query: most reads find nothing (a new sale), and one round trip
   * per group instead of per id is most of the sink's read cost. Groups are small so a coordinator
   * never fans out far.
   */
  async readTransactions(ids: readonly string[]): Promise<Map<string, TransactionState>> {
    const out = new Map<string, TransactionState>();
    const groups: string[][] = [];
    for (let i = 0; i < ids.length; i += READ_GROUP) groups.push(ids.slice(i, i + READ_GROUP));
    await mapBounded(groups, this.opts.concurrency, async (group) => {
      let rs: cassandra.types.ResultSet;
      try {
        rs = await this.opts.client.execute(this.readCql, [group], {
          prepare: true,
          isIdempotent: true,
          fetchSize: READ_GROUP * 2,
        });
      } catch (err) {
        throw toCassandraError(err, 'read transaction_by_id_and_store');
      }
      for (const row of rs.rows) {
        const state = toState(row);
        out.set(transactionKey(state.storeId, row.get('transaction_id') as string), state);
      }
    });
    return out;
  }

  /** Writes everything (UNLOGGED batches per partition, bounded concurrency); throws if any write failed. */
  async write(writes: readonly RowWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.opts.meter.measure(async () => {
      const groups = groupByPartition(writes, this.opts.maxBatchStatements);
      await mapBounded(groups, this.opts.concurrency, (g) => this.writeGroup(g));
      const rows: Record<string, number> = {};
      for (const w of writes) {
        const t = STATEMENT_TABLE[w.statement];
        rows[t] = (rows[t] ?? 0) + 1;
      }
      return { rows };
    });
  }

  private async writeGroup(group: RowWrite[]): Promise<void> {
    const { client } = this.opts;
    try {
      if (group.length === 1) {
        const w = group[0]!;
        await client.execute(this.cql[w.statement], w.params, { prepare: true, isIdempotent: true });
      } else {
        await client.batch(
          group.map((w) => ({ query: this.cql[w.statement], params: w.params })),
          { prepare: true, logged: false, isIdempotent: true },
        );
      }
    } catch (err) {
      throw toCassandraError(err, `write ${group[0]!.partition.split('|')[0]}`);
    }
  }
}

function toState(row: cassandra.types.Row): TransactionState {
  const payments = new Map<string, PaymentCell>();
  for (const [id, p] of Object.entries((row.get('payments') as Record<string, PaymentCell> | null) ?? {})) {
    payments.set(id, p);
  }
  const refunds = new Map<string, bigint>();
  for (const [id, v] of Object.entries((row.get('refunds') as Record<string, bigint> | null) ?? {})) {
    refunds.set(id, v);
  }
  const day = row.get('day') as cassandra.types.LocalDate | null;
  const occurredAt = row.get('occurred_at') as Date | null;
  return {
    storeId: row.get('store_id') as string,
    day: day ? day.toString() : null,
    occurredAt: occurredAt ? occurredAt.getTime() : null,
    status: (row.get('status') as string | null) ?? null,
    statusTimestamp: (row.get('status_ts') as bigint | null) ?? null,
    payments,
    refunds,
  };
}
