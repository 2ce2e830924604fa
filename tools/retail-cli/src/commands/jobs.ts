import { createServiceRuntime, parseConfig, runService } from '@retail-stream/runtime';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import type { CliContext } from '../cli-kit/context.ts';
import { usageError } from '../cli-kit/exit-codes.ts';
import { jsonReplacer } from '../cli-kit/output.ts';
import { jobsConfig } from '../jobs/jobs-config.ts';
import { JOB_NAMES, runJob, startJobs, type JobName } from '../jobs/jobs-service.ts';
import { addCommand } from '../program.ts';

/** retail jobs run | once <job> (docs/trace-and-reconcile.md, "Scheduled jobs"). */
export function registerJobs(program: Command, ctx: CliContext): void {
  const jobs = program
    .command('jobs')
    .description(
      'Scheduled jobs: nightly reconciliation per store, retention at the stores, daily CSV.gz export',
    )
    .addHelpText('after', '\nGuide: docs/trace-and-reconcile.md');

  addCommand(
    jobs,
    'run',
    'The scheduler as a long-running process (pino logs, /metrics, /healthz, /readyz on OPS_PORT; Ctrl-C stops it gracefully)',
    [
      'OPS_PORT=9310 retail jobs run',
      'JOBS_RECONCILE_LATENESS_MIN=60 JOBS_EXPORT_DIR=/var/exports retail jobs run',
    ],
  ).action(async () => {
    const config = parseConfig(jobsConfig, ctx.env);
    const rt = createServiceRuntime('retail-jobs', config);
    await runService(rt, async (d) => startJobs({ ctx, config, logger: d.logger, metrics: d.metrics }), {
      name: 'retail jobs',
      opsPort: config.OPS_PORT,
      check: 'scheduler',
      stopHook: 'stop the crons, finish runs in flight',
      closeHook: 'close clients',
      startedLog: {
        reconcile: config.JOBS_RECONCILE_CRON,
        retention: config.JOBS_RETENTION_CRON,
        export: config.JOBS_EXPORT_CRON,
        traceIndex: config.JOBS_TRACE_INDEX_CRON,
      },
    });
    // Serve until a signal: the runtime's shutdown exits the process.
    await new Promise<never>(() => undefined);
  });

  addCommand(jobs, 'once', 'Run one job now (what the scheduler runs on its cron)', [
    'retail jobs once reconcile',
    'retail jobs once retention --dry-run',
    'retail jobs once export --date 2026-12-05',
    'retail jobs once trace-index',
  ])
    .argument('<job>', `one of ${JOB_NAMES.join(', ')}`)
    .option('--date <YYYY-MM-DD>', 'export: the UTC day (default yesterday)')
    .option('--dry-run', 'retention: count what would be deleted')
    .action(async (job: string, o: { date?: string; dryRun?: boolean }) => {
      if (!(JOB_NAMES as readonly string[]).includes(job))
        throw usageError(`unknown job ${job} (${JOB_NAMES.join(', ')})`);
      const config = parseConfig(jobsConfig, ctx.env);
      const result = await runJob(
        { ctx, config, logger: ctx.logger, metrics: new Registry() },
        job as JobName,
        o,
      );
      ctx.output.result(result, () => JSON.stringify(result, jsonReplacer, 2));
    });
}
