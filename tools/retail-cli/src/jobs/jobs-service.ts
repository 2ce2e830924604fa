import { counter, gauge, type Logger, type RunningService } from '@retail-stream/runtime';
import { Cron } from 'croner';
import type { Registry } from 'prom-client';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { StoreDatabases } from '../trace/store-outbox.ts';
import { storeDatabaseUrl } from '@retail-stream/store-edge';
import { DEFAULT_DUPLICATES_TOPIC } from '../trace/trace-context.ts';
import { catchUpTraceIndex, ensureTraceIndex } from '../trace/trace-index.ts';
import { exportDay } from './daily-export.ts';
import { previousUtcDay } from './due-day.ts';
import type { JobsConfig } from './jobs-config.ts';
import { runDueReconciliations } from './nightly-reconcile.ts';
import { cleanStore } from './retention.ts';

export const JOB_NAMES = ['reconcile', 'retention', 'export', 'trace-index'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobsDeps {
  ctx: CliContext;
  config: JobsConfig;
  logger: Logger;
  metrics: Registry;
}

/** Runs one job now (what each cron tick calls; `retail jobs once` too), with an audit row. */
export async function runJob(
  deps: JobsDeps,
  job: JobName,
  opts: { now?: number; date?: string; dryRun?: boolean } = {},
): Promise<unknown> {
  const { ctx, config: c } = deps;
  const now = opts.now ?? Date.now();
  const mismatches = counter(
    deps.metrics,
    'retail_reconcile_mismatches_total',
    'Differences found by nightly reconciliations',
    ['store_id'],
  );
  // A gauge besides the counter: alerts read "this store's last day is dirty" without increase(),
  // which cannot see a labelled counter's first step (deploy/observability RetailReconcileMismatch).
  const differences = gauge(
    deps.metrics,
    'retail_reconcile_differences',
    'Differences left by the latest scheduled reconciliation of the store (0: clean or repaired)',
    ['store_id'],
  );
  return withAudit(ctx, { command: `jobs ${job}`, args: { ...opts }, dryRun: opts.dryRun }, async () => {
    switch (job) {
      case 'reconcile': {
        const results = await runDueReconciliations(ctx, {
          now,
          latenessMs: c.JOBS_RECONCILE_LATENESS_MIN * 60_000,
          repair: c.JOBS_RECONCILE_REPAIR,
          defaultTimezone: ctx.config.STORE_DEFAULT_TIMEZONE,
          mismatches,
          differences,
        });
        return {
          reconciled: results.length,
          dirty: results.filter((r) => r.status !== 'clean' && r.status !== 'repaired').length,
          results,
        };
      }
      case 'retention': {
        const { rows } = await ctx
          .pg()
          .query<{ store_id: string }>(
            `SELECT store_id FROM "${ctx.config.HQ_PG_SCHEMA}".stores ORDER BY store_id`,
          );
        const stores = new StoreDatabases((s) => storeDatabaseUrl(ctx.config.PG_URL, s));
        try {
          const results = [];
          for (const { store_id } of rows) {
            results.push(
              await cleanStore(stores.pool(store_id), store_id, {
                outboxDays: c.JOBS_OUTBOX_RETENTION_DAYS,
                idempotencyHours: c.JOBS_IDEMPOTENCY_TTL_HOURS,
                dryRun: opts.dryRun,
              }).catch((err: Error) => ({
                store_id,
                outbox_deleted: 0,
                idempotency_deleted: 0,
                error: err.message,
              })),
            );
          }
          return { stores: results.length, results };
        } finally {
          await stores.close();
        }
      }
      case 'trace-index': {
        const ops = await ctx.ops();
        await ensureTraceIndex(ops);
        const indexed = await catchUpTraceIndex(ctx.kafka(), ops, {
          deadLetters: ctx.topics.deadLetters,
          duplicates: ctx.env.INGEST_DUPLICATES_TOPIC ?? DEFAULT_DUPLICATES_TOPIC,
          raw: ctx.topics.posEvents,
        });
        return { indexed };
      }
      case 'export':
        return exportDay(
          ctx.pg(),
          ctx.config.HQ_PG_SCHEMA,
          opts.date ?? previousUtcDay(now),
          c.JOBS_EXPORT_DIR,
        );
    }
  });
}

/**
 * The scheduler: one croner job per kind (protect: a run still going skips the next tick), each
 * run logged and counted (retail_jobs_runs_total{job,outcome}). stop() stops the crons and waits
 * for runs in flight.
 */
export async function startJobs(deps: JobsDeps): Promise<RunningService> {
  const runs = counter(deps.metrics, 'retail_jobs_runs_total', 'Scheduled job runs', ['job', 'outcome']);
  // Every series from 0, so increase() sees a job's first failure (a series born at 1 has no step).
  for (const job of JOB_NAMES) for (const outcome of ['ok', 'failed']) runs.inc({ job, outcome }, 0);
  const inFlight = new Set<Promise<unknown>>();
  const crons: Cron[] = [];
  const patterns: Record<JobName, string> = {
    reconcile: deps.config.JOBS_RECONCILE_CRON,
    retention: deps.config.JOBS_RETENTION_CRON,
    export: deps.config.JOBS_EXPORT_CRON,
    'trace-index': deps.config.JOBS_TRACE_INDEX_CRON,
  };
  for (const job of JOB_NAMES) {
    crons.push(
      new Cron(patterns[job], { protect: true, timezone: 'UTC', name: job }, async () => {
        const p = runJob(deps, job).then(
          (result) => {
            runs.inc({ job, outcome: 'ok' });
            deps.logger.info({ job, result }, 'job done');
          },
          (err: unknown) => {
            runs.inc({ job, outcome: 'failed' });
            deps.logger.error({ job, err }, 'job failed');
          },
        );
        inFlight.add(p);
        await p;
        inFlight.delete(p);
      }),
    );
  }
  deps.logger.info(
    { jobs: Object.fromEntries(crons.map((c) => [c.name, c.nextRun()?.toISOString()])) },
    'jobs scheduled',
  );
  return {
    isReady: () => true,
    async stop() {
      for (const c of crons) c.stop();
      await Promise.all(inFlight);
    },
    close: () => deps.ctx.close(),
  };
}
