import type { Counter, Gauge } from 'prom-client';
import type pg from 'pg';
import type { CliContext } from '../cli-kit/context.ts';
import { runReconcile } from '../reconcile/run-reconcile.ts';
import { ensureRunsTable } from '../reconcile/runs-table.ts';
import { dueDay } from './due-day.ts';

/** ops.job_alerts: one row per mismatch (or failure) a scheduled job found; what on-call reads. */
const ALERTS_DDL = `CREATE TABLE IF NOT EXISTS job_alerts (
  id          bigserial   PRIMARY KEY,
  kind        text        NOT NULL,
  store_id    text,
  local_date  date,
  message     text        NOT NULL,
  details     jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
)`;

export async function ensureAlerts(ops: pg.Pool): Promise<void> {
  await ops.query(ALERTS_DDL);
}

export interface NightlyResult {
  store_id: string;
  date: string;
  status: string;
}

/**
 * Reconciles every store whose local day is due (ended at least `latenessMs` ago) and has no
 * scheduler run yet: a mismatch increments retail_reconcile_mismatches_total{store_id}, sets
 * retail_reconcile_differences{store_id} (0 again once a day reconciles clean) and writes an
 * ops.job_alerts row. Run on every tick; a store is reconciled once per day.
 */
export async function runDueReconciliations(
  ctx: CliContext,
  opts: {
    now: number;
    latenessMs: number;
    repair: boolean;
    defaultTimezone: string;
    mismatches?: Counter<'store_id'>;
    /** Set per reconciled store: differences left (at least 1 when the run failed), 0 when clean. */
    differences?: Gauge<'store_id'>;
  },
): Promise<NightlyResult[]> {
  const ops = await ctx.ops();
  await ensureRunsTable(ops);
  await ensureAlerts(ops);
  const hqSchema = ctx.config.HQ_PG_SCHEMA;
  const { rows: stores } = await ctx
    .pg()
    .query<{ store_id: string; timezone: string | null }>(
      `SELECT store_id, timezone FROM "${hqSchema}".stores ORDER BY store_id`,
    );
  const out: NightlyResult[] = [];
  for (const s of stores) {
    const date = dueDay(opts.now, s.timezone ?? opts.defaultTimezone, opts.latenessMs);
    const done = await ops.query(
      `SELECT 1 FROM reconciliation_runs WHERE store_id = $1 AND local_date = $2 AND trigger = 'scheduler' LIMIT 1`,
      [s.store_id, date],
    );
    if (done.rowCount) continue;
    const run = await runReconcile(ctx, {
      date,
      stores: [s.store_id],
      repair: opts.repair,
      dryRun: false,
      cassandra: true,
      defaultTimezone: opts.defaultTimezone,
      trigger: 'scheduler',
    });
    const r = run.results[0]!;
    out.push({ store_id: s.store_id, date, status: r.status });
    const dirty = r.status === 'differences' || r.status === 'failed';
    const left = r.after ?? r;
    opts.differences?.set({ store_id: s.store_id }, dirty ? Math.max(1, left.differences.length) : 0);
    if (dirty) {
      opts.mismatches?.inc({ store_id: s.store_id }, Math.max(1, left.differences.length));
      await ops.query(
        `INSERT INTO job_alerts (kind, store_id, local_date, message, details) VALUES ('reconcile_mismatch', $1, $2, $3, $4::jsonb)`,
        [
          s.store_id,
          date,
          r.status === 'failed'
            ? `reconciliation of ${s.store_id} ${date} failed: ${r.error ?? '?'}`
            : `${s.store_id} ${date}: ${left.differences.length} differences, ${left.missing.length} events missing`,
          JSON.stringify({ run_id: run.run_id, differences: left.differences, missing: left.missing }),
        ],
      );
    }
  }
  return out;
}
