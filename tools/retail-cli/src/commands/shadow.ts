import { AppError } from '@retail-stream/runtime';
import type { Command } from 'commander';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { EXIT, usageError } from '../cli-kit/exit-codes.ts';
import { Progress } from '../cli-kit/progress.ts';
import { confirm } from '../dlq/confirm.ts';
import { addCommand } from '../program.ts';
import type { DiffScope } from '../shadow/diff-types.ts';
import { isShadowSink, type ShadowSink } from '../shadow/shadow-name.ts';
import { diffShadow, dropShadow, promoteShadow, type ShadowSelection } from '../shadow/shadow-ops.ts';
import { diffText, dropText, promoteText } from '../shadow/shadow-render.ts';

/** `--store a,b --store c` → [a, b, c]. */
const list = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--limit: a positive integer, not '${value}'`);
  return n;
}

interface ScopeOptions {
  sink?: string[];
  store?: string[];
  table?: string[];
  all?: boolean;
}

function selection(name: string, o: ScopeOptions): ShadowSelection {
  const sinks = o.sink ?? [];
  const bad = sinks.filter((s) => !isShadowSink(s));
  if (bad.length > 0) throw usageError(`--sink: ${bad.join(', ')} (postgres, clickhouse or cassandra)`);
  return { name, sinks: sinks as ShadowSink[] };
}

function scopeOf(o: ScopeOptions): DiffScope {
  return { stores: o.store?.length ? o.store : undefined, tables: o.table, all: o.all === true };
}

function scopeOptions(cmd: Command): Command {
  return cmd
    .option('--sink <sinks>', 'only these sinks of the shadow (postgres,clickhouse,cassandra)', list)
    .option('--store <ids>', 'only these stores (comma-separated or repeated)', list)
    .option(
      '--table <names>',
      'only these tables (the sinks\u2019 table names, e.g. hq_transactions,sales)',
      list,
    )
    .option('--all', 'every row of both sides, not just the stores the shadow holds');
}

/** A TTY progress line counting compared tables (nothing when stderr is not a terminal). */
function tableProgress(label: string): { progress: Progress; onTable: () => void } {
  const progress = new Progress({ label, unit: 'tables' });
  return { progress, onTable: () => progress.tick() };
}

/** retail diff NAME | promote NAME | drop NAME: the shadow half of replay (docs/shadow-replay.md). */
export function registerShadow(program: Command, ctx: CliContext): void {
  scopeOptions(
    addCommand(
      program,
      'diff',
      'Compare a shadow (retail replay --shadow NAME) with live: rows missing, extra and different, per table and store; exit 2 when any',
      [
        'retail diff nightly',
        'retail diff nightly --rows --store s001',
        'retail diff nightly --sink clickhouse --table sales,sale_lines --json',
      ],
    ).argument('<name>', 'the shadow name given to retail replay --shadow'),
  )
    .option('--rows', 'also list the keys of the differing rows')
    .option('--limit <n>', 'with --rows: at most n keys per table', positiveInt, 50)
    .addHelpText(
      'after',
      '\nmissing = in the shadow, not in live; extra = in live, not in the shadow; different = same key,\nother values. Exit 0: no differences, 2: differences found.\nGuide: docs/shadow-replay.md',
    )
    .action(async (name: string, o: ScopeOptions & { rows?: boolean; limit: number }) => {
      const sel = selection(name, o);
      const scope = scopeOf(o);
      await withAudit(
        ctx,
        { command: 'diff', args: { name, ...o }, filters: { ...scope, sinks: sel.sinks } },
        async () => {
          const { progress, onTable } = tableProgress(`diff ${name}`);
          const report = await diffShadow(ctx, sel, { ...scope, rowLimit: o.rows ? o.limit : 0, onTable });
          progress.stop();
          ctx.output.result(report, () => diffText(report));
          const t = report.totals;
          if (t.missing + t.extra + t.different > 0) ctx.exitCode = EXIT.DIFFERENCES;
          return { ...t, tables: report.counts.length };
        },
      );
    });

  scopeOptions(
    addCommand(
      program,
      'promote',
      'Make live equal to the shadow in its scope: upsert missing and different rows (and delete extra ones with --delete-extra); idempotent',
      [
        'retail promote nightly --dry-run',
        'retail promote nightly',
        'retail promote nightly --sink postgres --store s001 --delete-extra --json',
      ],
    ).argument('<name>', 'the shadow name'),
  )
    .option('--delete-extra', 'also delete live rows the shadow does not have (in scope)')
    .option(
      '--allow-partial',
      'Postgres: promote even if the shadow holds only part of a store\u2019s events (merged rows become partial)',
    )
    .option('--dry-run', 'count what would be written; write nothing')
    .addHelpText(
      'after',
      '\nPostgres is promoted in one transaction; ClickHouse and Cassandra are not transactional, and\nrunning promote again finishes an interrupted one. Guide: docs/shadow-replay.md',
    )
    .action(
      async (
        name: string,
        o: ScopeOptions & { deleteExtra?: boolean; dryRun?: boolean; allowPartial?: boolean },
      ) => {
        const sel = selection(name, o);
        const scope = scopeOf(o);
        const dryRun = o.dryRun === true;
        await withAudit(
          ctx,
          { command: 'promote', args: { name, ...o }, filters: { ...scope, sinks: sel.sinks }, dryRun },
          async () => {
            const { progress, onTable } = tableProgress(`promote ${name}`);
            const report = await promoteShadow(
              ctx,
              sel,
              { ...scope, onTable },
              { dryRun, deleteExtra: o.deleteExtra === true, allowPartial: o.allowPartial === true },
            );
            progress.stop();
            ctx.output.result(report, () => promoteText(report));
            const r = report.remaining;
            if (r && r.missing + r.different + r.extra > 0) ctx.exitCode = EXIT.DIFFERENCES;
            return {
              upserted: report.promoted.reduce((s, p) => s + p.upserted, 0),
              deleted: report.promoted.reduce((s, p) => s + p.deleted, 0),
              remaining: r,
            };
          },
        );
      },
    );

  addCommand(
    program,
    'drop',
    'Drop a shadow: its Postgres schema, ClickHouse database and Cassandra keyspace, and its registry row',
    [
      'retail drop nightly --dry-run',
      'retail drop nightly --yes',
      'retail drop nightly --sink cassandra --yes --json',
    ],
  )
    .argument('<name>', 'the shadow name')
    .option('--sink <sinks>', 'only these sinks of the shadow', list)
    .option('--yes', 'do not ask; required when stdin is not a terminal')
    .option('--dry-run', 'show what would be dropped; drop nothing')
    .action(async (name: string, o: { sink?: string[]; yes?: boolean; dryRun?: boolean }) => {
      const sel = selection(name, o);
      const dryRun = o.dryRun === true;
      await withAudit(
        ctx,
        { command: 'drop', args: { name, ...o }, filters: { sinks: sel.sinks }, dryRun },
        async () => {
          const plan = await dropShadow(ctx, sel, { dryRun: true });
          const what = plan.dropped.map((d) => `${d.sink} ${d.target}`).join(', ');
          if (!dryRun && !o.yes) {
            if (!process.stdin.isTTY) {
              throw new AppError(
                'SHADOW_CONFIRM_REQUIRED',
                `would drop ${what}; stdin is not a terminal: pass --yes`,
              );
            }
            if (!(await confirm(`Drop ${what}? This cannot be undone. [y/N] `))) {
              throw new AppError('SHADOW_DROP_DECLINED', 'not confirmed; nothing dropped');
            }
          }
          const report = dryRun ? plan : await dropShadow(ctx, sel, { dryRun: false });
          ctx.output.result(report, () => dropText(report));
          return { dropped: dryRun ? 0 : report.dropped.length, wouldDrop: report.dropped.length };
        },
      );
    });
}
