import {
  cancelDocuments,
  countsByStatus,
  latestFailures,
  listDocuments,
  retryDocuments,
  storeSummaries,
} from '@retail-stream/national-pharmacy-sink';
import { AppError } from '@retail-stream/runtime';
import type { Command } from 'commander';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { usageError } from '../cli-kit/exit-codes.ts';
import { addCommand } from '../program.ts';
import {
  addSyncFilters,
  filterOf,
  isEmptyFilter,
  syncDb,
  type SyncFilterOptions,
} from '../sync/sync-options.ts';
import { changeText, documentsText, statusText } from '../sync/sync-render.ts';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--limit ${v}: a positive integer`);
  return n;
};

/** retail sync status|retry|cancel: the national pharmacy database sync (docs/national-pharmacy-sync.md). */
export function registerSync(program: Command, ctx: CliContext): void {
  const sync = program
    .command('sync')
    .description(
      'National pharmacy database sync: document status, retry failed documents, cancel unsent ones',
    )
    .addHelpText('after', '\nGuide: docs/national-pharmacy-sync.md');

  addSyncFilters(
    addCommand(
      sync,
      'status',
      'Counts by status and type, per store (oldest pending, why it waits), latest failures',
      [
        'retail sync status',
        'retail sync status --store s017 --status SYNC_FAILED --list',
        'retail sync status --type hoa_don --date 2026-12-06 --json',
      ],
    ),
  )
    .option('--list', 'list the matching documents (newest change first)')
    .option('--limit <n>', 'documents listed with --list', positiveInt, 50)
    .action(async (o: SyncFilterOptions & { list?: boolean; limit: number }) => {
      const filter = filterOf(o);
      await withAudit(
        ctx,
        { command: 'sync status', args: { ...o }, filters: filter, dryRun: true },
        async () => {
          const pool = await syncDb(ctx);
          const [counts, stores, failures] = await Promise.all([
            countsByStatus(pool, filter),
            storeSummaries(pool, filter),
            latestFailures(pool, filter, 10),
          ]);
          const documents = o.list ? await listDocuments(pool, filter, o.limit) : undefined;
          ctx.output.result(
            { counts, stores, latest_failures: failures, ...(documents ? { documents } : {}) },
            () =>
              [
                statusText(counts, stores, failures),
                ...(documents ? ['', documentsText(documents)] : []),
              ].join('\n'),
          );
          return { documents: counts.reduce((s, c) => s + c.documents, 0) };
        },
      );
    });

  addSyncFilters(
    addCommand(
      sync,
      'retry',
      'Queue SYNC_FAILED documents again with a fresh attempt budget (read back first if unsure)',
      [
        'retail sync retry --id 42',
        'retail sync retry --store s017 --type hoa_don --dry-run',
        'retail sync retry --all --json',
      ],
    ),
  )
    .option('--all', 'every SYNC_FAILED document (no filter needed)')
    .option('--dry-run', 'show what would be retried, change nothing')
    .action(async (o: SyncFilterOptions & { all?: boolean; dryRun?: boolean }) => {
      const filter = { ...filterOf(o), status: 'SYNC_FAILED' };
      if (isEmptyFilter(filterOf(o)) && !o.all)
        throw usageError('name documents (--id, --store, --type, --date) or pass --all');
      const dryRun = o.dryRun === true;
      await withAudit(ctx, { command: 'sync retry', args: { ...o }, filters: filter, dryRun }, async () => {
        const change = await retryDocuments(await syncDb(ctx), filter, dryRun);
        ctx.output.result({ dry_run: dryRun, ...change }, () => changeText('retry', change, dryRun));
        return { matched: change.matched.length, applied: change.applied };
      });
    });

  addSyncFilters(
    addCommand(
      sync,
      'cancel',
      'Cancel documents that will not be sent (pending or failed, certainly not at the authority)',
      [
        'retail sync cancel --id 42 --dry-run',
        'retail sync cancel --id 42,43 --yes',
        'retail sync cancel --store s017 --status SYNC_FAILED --yes --json',
      ],
    ),
  )
    .option('--dry-run', 'show what would be cancelled, change nothing')
    .option('--yes', 'really cancel (required unless --dry-run)')
    .action(async (o: SyncFilterOptions & { dryRun?: boolean; yes?: boolean }) => {
      const filter = filterOf(o);
      if (isEmptyFilter(filter))
        throw usageError('name documents to cancel (--id, --store, --type, --status, --date)');
      const dryRun = o.dryRun === true;
      if (!dryRun && !o.yes)
        throw usageError('cancelling is final: add --yes (or look first with --dry-run)');
      await withAudit(ctx, { command: 'sync cancel', args: { ...o }, filters: filter, dryRun }, async () => {
        const change = await cancelDocuments(await syncDb(ctx), filter, dryRun);
        ctx.output.result({ dry_run: dryRun, ...change }, () => changeText('cancel', change, dryRun));
        if (change.matched.length === 0 && change.skipped.length === 0) {
          throw new AppError('CLI_USAGE', 'no document matches');
        }
        return { matched: change.matched.length, applied: change.applied, skipped: change.skipped.length };
      });
    });
}
