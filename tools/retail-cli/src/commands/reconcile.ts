import type { Command } from 'commander';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { EXIT, usageError } from '../cli-kit/exit-codes.ts';
import { addCommand } from '../program.ts';
import { renderReconcile } from '../reconcile/render.ts';
import { runReconcile, type ReconcileRun } from '../reconcile/run-reconcile.ts';

interface ReconcileOptions {
  date: string;
  store?: string[];
  repair?: boolean;
  dryRun?: boolean;
  storeDb?: string;
  topic?: string;
  timezone?: string;
  cassandra: boolean;
}

/** retail reconcile --date D [--store S] [--repair] (docs/trace-and-reconcile.md). */
export function registerReconcile(program: Command, ctx: CliContext): void {
  addCommand(
    program,
    'reconcile',
    "End-of-day reconciliation per store for its local day: the store's own database against HQ Postgres, ClickHouse, Cassandra and the KPI D1_LOCAL window",
    [
      'retail reconcile --date 2026-12-05',
      'retail reconcile --date 2026-12-05 --store s001 --store s002',
      'retail reconcile --date 2026-12-05 --store s001 --repair',
      'retail reconcile --date 2026-12-05 --store s001 --repair --dry-run   # what would be replayed',
      'retail reconcile --date 2026-12-05 --json | jq ".results[] | select(.status != \\"clean\\")"',
    ],
  )
    .requiredOption('--date <YYYY-MM-DD>', "the stores' local date")
    .option('--store <id...>', 'only these stores (default: every store HQ knows)')
    .option(
      '--repair',
      "replay the events missing per sink (from Kafka, through each sink's own write path), then check again",
    )
    .option('--dry-run', 'with --repair: name what would be replayed, change nothing (no run rows either)')
    .option(
      '--store-db <url>',
      "the store's own Postgres database (with one --store; default: store_<id> on PG_URL's server)",
    )
    .option(
      '--topic <enriched>',
      'the enriched topic a repair reads (default SINK_EVENTS_TOPIC or retail.events.enriched)',
    )
    .option(
      '--timezone <zone>',
      "a store's zone when neither its database nor HQ names one (default STORE_DEFAULT_TIMEZONE)",
    )
    .option('--no-cassandra', 'skip Cassandra')
    .addHelpText(
      'after',
      '\nExit codes: 0 every store clean (or repaired), 2 differences remain, 1 a store could not be checked.',
    )
    .action(async (o: ReconcileOptions) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(o.date)) throw usageError(`--date: YYYY-MM-DD expected, got ${o.date}`);
      if (o.storeDb && (o.store?.length ?? 0) !== 1) throw usageError('--store-db needs exactly one --store');
      let run!: ReconcileRun;
      await withAudit(
        ctx,
        {
          command: 'reconcile',
          args: { ...o },
          range: { date: o.date },
          filters: { stores: o.store ?? 'all' },
          dryRun: o.dryRun,
        },
        async () => {
          run = await runReconcile(
            ctx,
            {
              date: o.date,
              stores: o.store,
              repair: o.repair === true,
              dryRun: o.dryRun === true,
              storeDb: o.storeDb,
              enrichedTopic: o.topic,
              cassandra: o.cassandra,
              defaultTimezone: o.timezone,
              trigger: 'cli',
            },
            (r) => ctx.output.note(`${r.store_id}: ${r.status}`),
          );
          return { run_id: run.run_id, stores: run.results.length, dirty_stores: run.dirty };
        },
      );
      const failed = run.results.some((r) => r.status === 'failed');
      ctx.exitCode = failed ? EXIT.FAILURE : run.dirty > 0 ? EXIT.DIFFERENCES : EXIT.OK;
      ctx.output.result(run, () => renderReconcile(run));
    });
}
