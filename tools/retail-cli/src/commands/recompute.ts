import type { Command } from 'commander';
// Not in the package's index (its pure pieces only); the lead may export it from there.
import { recomputeWindows } from '@retail-stream/kpi-windows';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { parseDuration, parseTimeRange } from '../cli-kit/duration.ts';
import { usageError } from '../cli-kit/exit-codes.ts';
import { Progress } from '../cli-kit/progress.ts';
import { addCommand } from '../program.ts';

interface RecomputeOptions {
  from?: string;
  to?: string;
  store?: string;
  margin: string;
  force?: boolean;
  dryRun?: boolean;
}

const EXAMPLES = [
  'retail recompute --from 2026-03-10T00:00:00+07:00 --to 2026-03-11T00:00:00+07:00',
  'retail recompute --from 2d --to 1d --store S001',
  'retail recompute --from 3h --to 1h --dry-run --json',
];

/**
 * `retail recompute`: the KPI windows' exact recompute (stream-processors/kpi-windows, the same
 * code as its `npm run recompute`), with the CLI's time forms, --dry-run, --json and the audit log.
 */
export function registerRecompute(program: Command, ctx: CliContext): void {
  addCommand(
    program,
    'recompute',
    'Republish the exact KPI values of every window starting in [--from, --to), recomputed from the enriched ' +
      'events, with revisions above the current ones (is_final). The KPI sinks then apply them as any update.',
    EXAMPLES,
  )
    .summary('Republish the exact KPI values of the windows in a range')
    .requiredOption('--from <time>', 'windows starting at or after: ISO time or a duration ago (2h, 1d)')
    .option('--to <time>', 'windows starting before (default now)')
    .option('--store <id>', 'only this store (chain windows are then left alone)')
    .option('--margin <duration>', 'read events ingested this long before --from (store clock skew)', '60m')
    .option('--force', 'allow windows so recent a running instance may still hold them')
    .option('--dry-run', 'recompute and count the windows; publish nothing')
    .action(async (opts: RecomputeOptions) => {
      const range = parseTimeRange(opts.from, opts.to)!;
      const marginMs = parseDuration(opts.margin);
      if (opts.store !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(opts.store)) {
        throw usageError(`--store '${opts.store}' is not a store id`);
      }
      const summary = await withAudit(
        ctx,
        {
          command: 'recompute',
          args: { ...opts },
          range: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
          filters: { store: opts.store ?? null },
          dryRun: opts.dryRun === true,
        },
        async () => {
          const progress = new Progress({ label: 'recompute: reading events' });
          try {
            return await recomputeWindows(
              ctx.env,
              {
                ...range,
                store: opts.store,
                marginMs,
                force: opts.force === true,
                dryRun: opts.dryRun === true,
              },
              ctx.logger,
              (n) => progress.tick(n),
            );
          } finally {
            progress.stop();
          }
        },
      );
      ctx.output.result(
        { ...summary, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
        () =>
          `${summary.published ? 'republished' : 'dry run: would republish'} ${summary.storeWindows} store and ` +
          `${summary.chainWindows} chain windows starting in [${new Date(range.from).toISOString()}, ` +
          `${new Date(range.to).toISOString()}), from ${summary.eventsRead.toLocaleString('en-US')} events read`,
      );
    });
}
