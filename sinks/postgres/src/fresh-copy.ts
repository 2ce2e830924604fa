import type pg from 'pg';
import { copyRows } from './copy-in.ts';
import type { TableSpec } from './unnest-insert.ts';

/** One table's rows for copyFresh. */
export interface FreshRows<R = never> {
  spec: TableSpec<R>;
  rows: readonly R[];
}

const SAVEPOINT = 'fresh_rows';
/** unique_violation: a key the rows carry is already in the table. */
const UNIQUE_VIOLATION = '23505';

/**
 * The common case of a batch: every event is new, so its inbox rows and its append-only rows (sale
 * lines, payments, refunds, receipts, adjustments: tables whose rule is ON CONFLICT DO NOTHING)
 * can be COPYed straight into their tables, with no staging table and no conflict check per row
 * (the line items' merge alone cost ~25 % more than a plain COPY of the same rows,
 * docs/BENCHMARKS.md). The inbox COPY is the claim: its primary key refuses an event id any
 * transaction has recorded, committed or in flight (COPY waits for that one to end).
 *
 * Inside a savepoint, so a unique violation anywhere (a redelivery, a replay, a second event
 * naming rows another already wrote) rolls back only these COPYs; the caller then takes the
 * staged path, whose merges decide row by row exactly as before. The answer is the same either
 * way; only the cost differs. Returns false after such a rollback; other errors are thrown.
 */
export async function copyFresh(
  client: pg.ClientBase,
  tables: readonly FreshRows[],
  counts: Record<string, number>,
): Promise<boolean> {
  await client.query(`SAVEPOINT ${SAVEPOINT}`);
  const copied: Record<string, number> = {};
  try {
    for (const { spec, rows } of tables) {
      if (rows.length === 0) continue;
      copied[spec.table] = await copyRows(client, spec.table, spec.columns, rows);
    }
  } catch (err) {
    if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    return false;
  }
  for (const [table, n] of Object.entries(copied)) counts[table] = (counts[table] ?? 0) + n;
  return true;
}
