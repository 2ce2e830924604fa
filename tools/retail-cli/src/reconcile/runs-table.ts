import type pg from 'pg';
import { jsonReplacer } from '../cli-kit/output.ts';
import type { StoreReconciliation } from './reconcile-store.ts';

/**
 * ops.reconciliation_runs: one row per store and run (CLI or scheduler), the dashboard's "last
 * reconciliation per store" and the scheduler's alert source. Created here if missing (the ops
 * schema's numbered migrations belong to the CLI kit; this table is idempotent DDL of its own).
 */
export const RUNS_DDL = [
  `CREATE TABLE IF NOT EXISTS reconciliation_runs (
     id            bigserial   PRIMARY KEY,
     run_id        text        NOT NULL,
     store_id      text        NOT NULL,
     local_date    date        NOT NULL,
     timezone      text        NOT NULL,
     status        text        NOT NULL CHECK (status IN ('clean', 'differences', 'repaired', 'failed')),
     differences   integer     NOT NULL,
     missing       integer     NOT NULL,
     details       jsonb       NOT NULL,
     trigger       text        NOT NULL,
     actor         text        NOT NULL,
     started_at    timestamptz NOT NULL,
     finished_at   timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS reconciliation_runs_store ON reconciliation_runs (store_id, local_date, finished_at DESC)`,
];

export async function ensureRunsTable(ops: pg.Pool): Promise<void> {
  for (const ddl of RUNS_DDL) await ops.query(ddl);
}

export async function recordRun(
  ops: pg.Pool,
  run: { runId: string; trigger: string; actor: string; startedAt: Date },
  r: StoreReconciliation,
): Promise<void> {
  const after = r.after ?? { differences: r.differences, missing: r.missing };
  await ops.query(
    `INSERT INTO reconciliation_runs (run_id, store_id, local_date, timezone, status, differences, missing, details,
        trigger, actor, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11)`,
    [
      run.runId,
      r.store_id,
      r.date,
      r.timezone,
      r.status,
      after.differences.length,
      after.missing.length,
      JSON.stringify(r, jsonReplacer),
      run.trigger,
      run.actor,
      run.startedAt,
    ],
  );
}

/** The last run of every store (what the dashboard shows). */
export async function lastRuns(ops: pg.Pool): Promise<
  {
    store_id: string;
    local_date: string;
    status: string;
    differences: number;
    missing: number;
    finished_at: Date;
  }[]
> {
  const { rows } = await ops.query(
    `SELECT DISTINCT ON (store_id) store_id, to_char(local_date, 'YYYY-MM-DD') AS local_date, status, differences, missing, finished_at
       FROM reconciliation_runs ORDER BY store_id, finished_at DESC`,
  );
  return rows;
}
