import { AppError } from '@retail-stream/runtime';
import type { Command } from 'commander';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { interruptedError } from '../cli-kit/exit-codes.ts';
import { Progress } from '../cli-kit/progress.ts';
import { rateLimiterFor } from '../cli-kit/rate-limit.ts';
import { addCommand } from '../program.ts';
import { confirm } from '../dlq/confirm.ts';
import {
  addFilterOptions,
  filterOf,
  positiveInt,
  positiveNumber,
  type FilterOptions,
} from '../dlq/dlq-options.ts';
import { purgeText, recordDoc, recordText, redriveText, summaryText } from '../dlq/dlq-render.ts';
import { scanDlq } from '../dlq/dlq-scan.ts';
import { DlqSummarizer } from '../dlq/dlq-summary.ts';
import { executePurge, parseOffsetBound, planPurge, type PurgeBound } from '../dlq/purge.ts';
import { RedriveLog } from '../dlq/redrive-log.ts';
import { DEFAULT_MAX_ATTEMPTS } from '../dlq/redrive-plan.ts';
import { redrive } from '../dlq/redrive.ts';
import { schemaIdPrecheck } from '../dlq/schema-precheck.ts';
import { viewValue } from '../dlq/value-view.ts';
import { parseTimeArg } from '../cli-kit/duration.ts';
import { OPS_SCHEMA } from '../cli-kit/context.ts';

/** retail dlq list|show|redrive|purge (docs/dead-letters.md). */
export function registerDlq(program: Command, ctx: CliContext): void {
  const dlq = program
    .command('dlq')
    .description(
      'Dead letters: list them by reason, show them decoded, redrive them to their source, purge old ones',
    )
    .addHelpText('after', '\nGuide: docs/dead-letters.md');
  const topic = ctx.topics.deadLetters;

  addFilterOptions(
    addCommand(dlq, 'list', 'Count dead letters by code, source topic, processor and age (oldest/newest)', [
      'retail dlq list',
      'retail dlq list --code UNKNOWN_SCHEMA_ID --since 2h',
      'retail dlq list --processor postgres-sink --store s001 --json',
    ]),
    topic,
  ).action(async (o: FilterOptions) => {
    const { filter, warnings } = filterOf(o);
    warnings.forEach((w) => ctx.output.note(w));
    await withAudit(
      ctx,
      { command: 'dlq list', args: { ...o }, filters: filter, dryRun: false },
      async () => {
        const summarizer = new DlqSummarizer(Date.now());
        const progress = new Progress({ label: `reading ${o.topic}` });
        let last = 0;
        await scanDlq({
          kafka: ctx.kafka(),
          topic: o.topic,
          filter,
          onRecord: (r) => summarizer.add(r),
          onRead: (n) => {
            progress.tick(n - last);
            last = n;
          },
        });
        progress.stop();
        const summary = summarizer.result();
        ctx.output.result({ topic: o.topic, ...summary }, () => summaryText(summary, o.topic));
        return { matched: summary.total, groups: summary.groups.length };
      },
    );
  });

  addFilterOptions(
    addCommand(
      dlq,
      'show',
      'Show dead letters: dlq headers decoded, value decoded through the registry (hex otherwise)',
      [
        'retail dlq show --offset 0:42',
        'retail dlq show --code BUSINESS_INVALID --store s001 --max 3',
        'retail dlq show --since 30m --json | jq ".records[].deadLetter.message"',
      ],
    ),
    topic,
    { offsets: true },
  )
    .option('--max <n>', 'show at most this many records', positiveInt('--max'), 10)
    .option('--raw', 'do not ask the registry: hex dump every value')
    .action(async (o: FilterOptions & { max: number; raw?: boolean }) => {
      const { filter, warnings } = filterOf(o);
      warnings.forEach((w) => ctx.output.note(w));
      await withAudit(ctx, { command: 'dlq show', args: { ...o }, filters: filter }, async () => {
        const docs: ReturnType<typeof recordDoc>[] = [];
        const serde = o.raw ? undefined : ctx.serde();
        // --offset names records exactly: once they are all found the scan can stop.
        const max = Math.min(o.max, filter.at?.length || Infinity);
        await scanDlq({
          kafka: ctx.kafka(),
          topic: o.topic,
          filter,
          onRecord: async (r) => {
            docs.push(recordDoc(r, await viewValue(serde, r.value)));
            return docs.length < max;
          },
        });
        if (docs.length === 0) throw new AppError('DLQ_NO_MATCH', `no record of ${o.topic} matches`);
        ctx.output.result({ topic: o.topic, records: docs }, () => docs.map(recordText).join('\n'));
        return { shown: docs.length };
      });
    });

  addFilterOptions(
    addCommand(
      dlq,
      'redrive',
      'Send dead letters back to their source topic (original key, bytes, headers; redrive.id, redrive.attempt); park those out of attempts',
      [
        'retail dlq redrive --code UNKNOWN_SCHEMA_ID --dry-run',
        'retail dlq redrive --code UNKNOWN_SCHEMA_ID --since 1d --rate 200',
        'retail dlq redrive --processor postgres-sink --store s001 --max 100 --max-attempts 5 --json',
      ],
    ),
    topic,
    { offsets: true },
  )
    .option('--max <n>', 'redrive (or park) at most this many records', positiveInt('--max'))
    .option('--rate <n>', 'at most n records per second (token bucket)', positiveNumber('--rate'))
    .option(
      '--max-attempts <n>',
      'a record whose redrive.attempt would exceed this goes to the parking topic instead',
      positiveInt('--max-attempts'),
      DEFAULT_MAX_ATTEMPTS,
    )
    .option(
      '--parking-topic <name>',
      'where records out of attempts go (created if missing)',
      ctx.topics.dlqParking,
    )
    .option(
      '--fan-out',
      `also redrive dead letters of ${ctx.topics.enrichedEvents} (sink refusals): every consumer of it reads them again, and KPI windows count them again`,
    )
    .option(
      '--no-schema-check',
      'also send UNKNOWN_SCHEMA_ID records whose schema id the registry still lacks',
    )
    .option('--again', 'also resend dead letters an earlier redrive already sent (ops.dlq_redrives)')
    .option('--dry-run', 'count what would be redriven and parked; send and record nothing')
    .action(
      async (
        o: FilterOptions & {
          max?: number;
          rate?: number;
          maxAttempts: number;
          parkingTopic: string;
          again?: boolean;
          dryRun?: boolean;
          fanOut?: boolean;
          schemaCheck: boolean;
        },
      ) => {
        const { filter, warnings } = filterOf(o);
        warnings.forEach((w) => ctx.output.note(w));
        const dryRun = o.dryRun === true;
        await withAudit(
          ctx,
          { command: 'dlq redrive', args: { ...o }, filters: filter, dryRun },
          async (audit) => {
            const log = await RedriveLog.open(await ctx.ops(), OPS_SCHEMA);
            const limiter = rateLimiterFor(o.rate);
            const progress = new Progress({ label: dryRun ? 'planning redrive' : 'redriving', total: o.max });
            let done = 0;
            const result = await redrive({
              kafka: ctx.kafka(),
              dlqTopic: o.topic,
              parkingTopic: o.parkingTopic,
              filter,
              log,
              maxAttempts: o.maxAttempts,
              max: o.max,
              again: o.again,
              dryRun,
              signal: ctx.signal,
              precheck: o.schemaCheck ? schemaIdPrecheck(ctx.serde()) : undefined,
              throttle: dryRun ? undefined : (n) => limiter.take(n, ctx.signal),
              // At a low --rate, small chunks: records go out steadily instead of in bursts of 200.
              chunk: o.rate === undefined ? 200 : Math.max(1, Math.min(200, Math.floor(o.rate))),
              onProgress: (r) => {
                progress.tick(r.redriven + r.parked - done);
                done = r.redriven + r.parked;
              },
            });
            progress.stop();
            await audit.set({ range: { redriveId: result.runId } });
            if (result.interrupted) {
              throw Object.assign(
                interruptedError(`redrive ${result.runId} stopped; run again to continue`),
                {
                  counts: result,
                },
              );
            }
            if (result.matched === 0) {
              throw new AppError('DLQ_NO_MATCH', `no dead letter of ${o.topic} matches`);
            }
            ctx.output.result(result, () => redriveText(result));
            return result;
          },
        );
      },
    );

  addCommand(
    dlq,
    'purge',
    'Delete the dead letters older than a time, or below per-partition offsets (Kafka deletes prefixes, not single records)',
    [
      'retail dlq purge --before 7d --dry-run',
      'retail dlq purge --before 2026-11-01T00:00:00Z --yes',
      'retail dlq purge --before 0:1200,1:980 --yes --json',
    ],
  )
    .requiredOption(
      '--before <time|offsets>',
      'a time (ISO, or 7d ago) or PARTITION:OFFSET,… (records below go)',
    )
    .option('--topic <name>', 'the dead-letter topic', topic)
    .option('--yes', 'do not ask; required when stdin is not a terminal')
    .option('--dry-run', 'show what would be deleted; delete nothing')
    .action(async (o: { before: string; topic: string; yes?: boolean; dryRun?: boolean }) => {
      const bound: PurgeBound = /^\d+:\d+(,\d+:\d+)*$/.test(o.before.trim())
        ? parseOffsetBound(o.before)
        : { kind: 'time', before: parseTimeArg(o.before) };
      const dryRun = o.dryRun === true;
      await withAudit(
        ctx,
        { command: 'dlq purge', args: { ...o }, range: boundDoc(bound), dryRun },
        async () => {
          const plan = await planPurge(ctx.kafka(), o.topic, bound);
          const counts = { wouldDelete: plan.total, deleted: 0 };
          if (dryRun || plan.total === 0) {
            ctx.output.result({ ...plan, dryRun, deleted: 0 }, () =>
              plan.total === 0
                ? `${o.topic}: nothing to delete`
                : `${purgeText(plan)}\n(dry run: nothing deleted)`,
            );
            return counts;
          }
          if (!o.yes) {
            if (!process.stdin.isTTY) {
              throw new AppError(
                'DLQ_CONFIRMATION_REQUIRED',
                `would delete ${plan.total} record(s) of ${o.topic}; stdin is not a terminal: pass --yes`,
              );
            }
            process.stderr.write(`${purgeText(plan)}\n`);
            if (!(await confirm(`Delete these ${plan.total} record(s)? This cannot be undone. [y/N] `))) {
              throw new AppError('DLQ_PURGE_DECLINED', 'not confirmed; nothing deleted');
            }
          }
          const lowAfter = await executePurge(ctx.kafka(), plan);
          counts.deleted = plan.total;
          ctx.output.result(
            { ...plan, dryRun, deleted: plan.total, lowAfter },
            () => `${purgeText(plan)}\ndeleted ${plan.total} record(s)`,
          );
          return counts;
        },
      );
    });
}

function boundDoc(bound: PurgeBound): unknown {
  return bound.kind === 'time'
    ? { before: new Date(bound.before).toISOString() }
    : { beforeOffsets: Object.fromEntries(bound.offsets) };
}
