import type pg from 'pg';
import { copyRows } from './copy-in.ts';
import type { TableSpec } from './unnest-insert.ts';

/**
 * COPY into a staging table, then one set-based INSERT … SELECT … ON CONFLICT into the real
 * table, with the same conflict rule (the spec's tail) as the other methods. COPY's text format is
 * what Postgres parses fastest and costs Node one string join per row; the merge then reads a
 * local temporary table (no WAL, no index). The staging tables are the session's own
 * (`pg_temp`), emptied at every commit, so concurrent batches on other connections never see
 * each other's rows, and a rolled-back batch leaves nothing behind.
 */
export const stageName = (table: string): string => `stage_${table}`;

/**
 * Creates the session's staging tables for these specs if this connection has none yet. Inside
 * the batch's transaction, so a rollback takes a half-made table with it; IF NOT EXISTS makes the
 * later batches of a pooled connection a catalog lookup each (notices silenced for the batch).
 */
export async function ensureStaging(
  client: pg.ClientBase,
  specs: readonly TableSpec<never>[],
): Promise<void> {
  const statements = specs.map(
    (s) =>
      `CREATE TEMP TABLE IF NOT EXISTS ${stageName(s.table)} (${s.columns
        .map(([c, type]) => `${c} ${type}`)
        .join(', ')}) ON COMMIT DELETE ROWS`,
  );
  await client.query(["SET LOCAL client_min_messages = 'warning'", ...statements].join(';\n'));
}

/**
 * COPYs rows into the spec's staging table and merges them into the table; its result (RETURNING
 * rows). Once per table per transaction: the staging table is emptied only at commit.
 */
export async function stagedInsert<R, Out extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  spec: TableSpec<R>,
  rows: readonly R[],
): Promise<pg.QueryResult<Out>> {
  const stage = stageName(spec.table);
  const names = spec.columns.map(([c]) => c).join(', ');
  await copyRows(client, stage, spec.columns, rows);
  return client.query<Out>(
    `INSERT INTO ${spec.table} AS t (${names}) SELECT ${names} FROM ${stage} ${spec.tail}`,
  );
}
