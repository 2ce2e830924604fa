import { Option, type Command } from 'commander';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { formatTable } from '../cli-kit/output.ts';
import { addCommand } from '../program.ts';
import { collect } from '../replay/offset-spec.ts';
import { parseReplayOptions, type ReplayOptions } from '../replay/replay-request.ts';
import { runReplay, type ReplaySummary } from '../replay/run-replay.ts';

const EXAMPLES = [
  'retail replay --sink postgres --from 2h --dry-run',
  'retail replay --sink clickhouse --from 2026-03-01T08:00:00Z --to 2026-03-01T12:00:00Z --store S001,S002',
  'retail replay --sink postgres --topic retail.kpi.windows --from 1d --rate 2000',
  'retail replay --sink cassandra --offsets retail.events.enriched:3:1000-1999 --event-type SaleRecorded',
  'retail replay --sink postgres --from 6h --shadow fix_0301 && retail diff fix_0301',
  'retail replay --sink clickhouse --from 1d --json | jq .counts.byType',
];

/** `retail replay`: a bounded re-application of a sink's topics through that sink's own code. */
export function registerReplay(program: Command, ctx: CliContext): void {
  addCommand(
    program,
    'replay',
    "Re-apply a bounded range of a sink's topics through that sink's own code (idempotent), without touching " +
      'the live consumer groups. Resumable: Ctrl-C, then the same command continues from its checkpoint.',
    EXAMPLES,
  )
    .summary("Re-apply a bounded range of a sink's topics through the sink's own code (resumable)")
    .requiredOption('--sink <sink>', 'postgres | clickhouse | cassandra')
    .option('--from <time>', 'start: ISO time (UTC unless a zone is given) or a duration ago (30m, 2h, 1d)')
    .option('--to <time>', 'end (exclusive), same forms; default now')
    .option(
      '--offsets <topic:partition:from-to>',
      'an offset range, both ends included (repeatable)',
      collect,
    )
    .option('--topic <topics>', "only these of the sink's topics (repeatable or comma-separated)", collect)
    .option('--store <ids>', 'only these stores (repeatable or comma-separated)', collect)
    .option(
      '--event-type <types>',
      'only these event types, e.g. SaleRecorded (repeatable or comma-separated)',
      collect,
    )
    .option('--shadow <name>', 'write into shadow tables instead of the live ones (see retail diff)')
    .option('--rate <n>', 'at most n events per second')
    .option(
      '--batch-size <n>',
      'at most n records per write (and per checkpoint); default: a fetch, as the live sink',
    )
    .option('--dry-run', 'count what would be replayed, by partition, store and event type; write nothing')
    .option('--restart', 'ignore an unfinished checkpoint of this command and start over')
    .addOption(new Option('--max-batches <n>', 'stop as if interrupted after n batches').hideHelp())
    .action(async (opts: ReplayOptions) => {
      const req = parseReplayOptions(opts);
      const summary = await withAudit(
        ctx,
        {
          command: 'replay',
          args: { ...opts },
          range: { from: req.identity.from, to: req.identity.to, offsets: req.identity.offsets },
          filters: { topics: req.topics, stores: req.stores, eventTypes: req.eventTypes },
          dryRun: req.dryRun,
        },
        (audit) => runReplay(ctx, req, audit),
      );
      ctx.output.result(summary, () => humanSummary(summary));
    });
}

function humanSummary(s: ReplaySummary): string {
  const c = s.counts;
  const head = s.dryRun
    ? `dry run: ${c.matched.toLocaleString('en-US')} of ${c.read.toLocaleString('en-US')} records would be replayed into ${s.sink}`
    : `replayed ${c.matched.toLocaleString('en-US')} of ${c.read.toLocaleString('en-US')} records into ${s.sink}` +
      `${s.shadow ? ` (shadow ${s.shadow})` : ''}: ${s.written.toLocaleString('en-US')} written` +
      `${s.resumed ? ', resumed from a checkpoint' : ''}`;
  const table = (title: string, m: Record<string, number>, key: string) =>
    `\n${title}\n${formatTable(
      Object.entries(m)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, n]) => ({ [key]: k, records: n })),
    )}`;
  const parts = [
    `${head} in ${(s.elapsedMs / 1000).toFixed(1)} s (${s.recordsPerSecond.toLocaleString('en-US')} records/s)`,
    table('By partition', c.byPartition, 'partition'),
    table('By event type', c.byType, 'event_type'),
    table('By store', c.byStore, 'store'),
  ];
  if (Object.keys(c.rejected).length > 0)
    parts.push(table('Refused by the sink (not written)', c.rejected, 'code'));
  if (s.rowsByTable) parts.push(table('Rows written', s.rowsByTable, 'table'));
  return parts.join('\n');
}
