import type pg from 'pg';

/**
 * Where `retail reconcile` and the scheduler record their runs (tools/retail-cli: the CLI's ops
 * schema in the HQ database). Read-only here; a database without it yet has no runs.
 */
const RUNS_TABLE = 'ops.reconciliation_runs';
const UNDEFINED_TABLE = '42P01';
const INVALID_SCHEMA = '3F000';

export interface LastReconciliation {
  store_id: string;
  local_date: string;
  status: string;
  differences: number;
  missing: number;
  trigger: string;
  finished_at: Date;
}

/** The last reconciliation of every store (GET /v1/reconciliation; the dashboard's panel). */
export async function lastReconciliations(
  db: Pick<pg.Pool, 'query'>,
): Promise<{ items: LastReconciliation[] }> {
  try {
    const { rows } = await db.query<LastReconciliation>(
      `SELECT DISTINCT ON (store_id) store_id, to_char(local_date, 'YYYY-MM-DD') AS local_date, status,
              differences, missing, trigger, finished_at
         FROM ${RUNS_TABLE} ORDER BY store_id, finished_at DESC`,
    );
    return { items: rows };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === UNDEFINED_TABLE || code === INVALID_SCHEMA) return { items: [] };
    throw err;
  }
}
