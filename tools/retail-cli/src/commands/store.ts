import type { Command } from 'commander';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { addCommand } from '../program.ts';
import { checkEpochStart, publishEpochStart } from '../store/epoch-start.ts';

/** retail store epoch (docs/security.md, "Sequence safety": a rebuilt store database). */
export function registerStore(program: Command, ctx: CliContext): void {
  const store = program
    .command('store')
    .description('Store identity at HQ: start a new epoch for a store whose database was rebuilt')
    .addHelpText('after', '\nGuide: docs/security.md ("Sequence safety")');

  addCommand(
    store,
    'epoch',
    "Start a store's new epoch: ingest accepts its records with a fresh store_seq and refuses the old epoch's (held ones: redrive them after)",
    [
      'retail dlq list --code STORE_EPOCH_UNAPPROVED --store s017',
      'retail store epoch --store s017 --start 3f1c9a52-6a0e-4b8e-9a57-2d1f0c7b9e41 --reason "disk lost, DB rebuilt (INC-812)" --dry-run',
      'retail store epoch --store s017 --start 3f1c9a52-6a0e-4b8e-9a57-2d1f0c7b9e41 --reason "disk lost, DB rebuilt (INC-812)" --json',
      'retail dlq redrive --code STORE_EPOCH_UNAPPROVED --store s017',
    ],
  )
    .requiredOption('--store <id>', 'the store whose database was rebuilt')
    .requiredOption(
      '--start <epoch-id>',
      'the new epoch: the store.epoch header of its held records (a UUID)',
    )
    .requiredOption('--reason <text>', 'why (kept in ops.audit_log and on the decision record)')
    .option('--topic <name>', 'the compacted store-epochs topic ingest follows', ctx.topics.storeEpochs)
    .option('--dry-run', 'check and show the decision; publish nothing')
    .action(async (o: { store: string; start: string; reason: string; topic: string; dryRun?: boolean }) => {
      checkEpochStart(o);
      const dryRun = o.dryRun === true;
      await withAudit(
        ctx,
        { command: 'store epoch', args: { ...o }, filters: { store: o.store }, dryRun },
        async (audit) => {
          const decision = {
            store_id: o.store,
            epoch: o.start,
            started_at: Date.now(),
            actor: ctx.actor,
            reason: o.reason,
            audit_id: audit.id,
          };
          const at = dryRun
            ? undefined
            : await publishEpochStart(ctx.kafka(), await ctx.admin(), decision, o.topic);
          if (at) await audit.set({ range: { topic: o.topic, ...at } });
          ctx.output.result(
            { dry_run: dryRun, topic: o.topic, decision, ...(at ? { written: at } : {}) },
            () =>
              [
                `${dryRun ? 'would start' : 'started'} epoch ${o.start} for store ${o.store} (audit ${audit.id})`,
                dryRun
                  ? 'nothing published (--dry-run)'
                  : `decision at ${o.topic} ${at!.partition}:${at!.offset}; ingest now refuses the store's previous epoch`,
                `next: retail dlq redrive --code STORE_EPOCH_UNAPPROVED --store ${o.store}`,
              ].join('\n'),
          );
          return { published: dryRun ? 0 : 1 };
        },
      );
    });
}
