import { PG_SCHEMA_NAME } from '@retail-stream/runtime';
import type pg from 'pg';

/**
 * Where `retail reconcile` and the scheduler record their runs: the CLI's `ops` schema in the HQ
 * database (tools/retail-cli). Read-only here; a database without it yet has no runs.
 */
export const DEFAULT_OPS_SCHEMA = 'ops';
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
  opsSchema = DEFAULT_OPS_SCHEMA,
): Promise<{ items: LastReconciliation[] }> {
  if (!PG_SCHEMA_NAME.test(opsSchema)) throw new RangeError(`invalid schema name '${opsSchema}'`);
  try {
    const { rows } = await db.query<LastReconciliation>(
      `SELECT DISTINCT ON (store_id) store_id, to_char(local_date, 'YYYY-MM-DD') AS local_date, status,
              differences, missing, trigger, finished_at
         FROM "${opsSchema}".reconciliation_runs ORDER BY store_id, finished_at DESC`,
    );
    return { items: rows };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === UNDEFINED_TABLE || code === INVALID_SCHEMA) return { items: [] };
    throw err;
  }
}
