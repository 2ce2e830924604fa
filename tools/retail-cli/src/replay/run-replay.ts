import { AppError, type PartitionRange } from '@retail-stream/runtime';
import { openShadow } from '../shadow/prepare.ts';
import type { AuditHandle } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { Progress } from '../cli-kit/progress.ts';
import { rateLimiterFor } from '../cli-kit/rate-limit.ts';
import { Checkpoint, commandHash, type StoredRange } from './checkpoint.ts';
import { runRangePass } from './range-pass.ts';
import { addCounts, emptyCounts, writtenOf, type ReplayCounts } from './replay-counts.ts';
import type { ReplayRequest } from './replay-request.ts';
import { rangeSize, resolveRanges } from './resolve-ranges.ts';
import { openSink, sinkSpecFor } from './sink-target.ts';

export interface ReplaySummary {
  sink: string;
  shadow: string | null;
  dryRun: boolean;
  /** The run continued an unfinished replay of the same command. */
  resumed: boolean;
  ranges: StoredRange[];
  counts: ReplayCounts;
  /** Records the sink wrote (matched minus refused). */
  written: number;
  /** Rows the sink's store acknowledged per table, this run only (not in a dry run). */
  rowsByTable?: Record<string, number>;
  elapsedMs: number;
  recordsPerSecond: number;
}

const DRY_RUN_FETCH_BYTES = 16 << 20;

/**
 * `retail replay`: resolve the range, then a dry run (counts by key and headers) or a replay
 * through the sink's own code, with a checkpoint after every batch. An unfinished replay of the
 * same command resumes from its checkpoint (with the ranges resolved by the first run).
 */
export async function runReplay(
  ctx: CliContext,
  req: ReplayRequest,
  audit: AuditHandle,
): Promise<ReplaySummary> {
  const started = Date.now();
  const liveSpec = sinkSpecFor(req.sink, ctx.envWith(replayDefaults(req, ctx.env)));
  const topics = narrowTopics(liveSpec.topics, req);
  const filter = { stores: new Set(req.stores), eventTypes: new Set(req.eventTypes) };
  const hash = commandHash(req.identity);
  const admin = await ctx.admin();

  let ranges: PartitionRange[] | undefined;
  let positions: Record<string, string> = {};
  const counts = emptyCounts();
  let resumed = false;
  const ops = req.dryRun ? undefined : await ctx.ops();
  const row = ops ? await Checkpoint.load(ops, hash) : undefined;
  // --restart of an unfinished shadow replay may write into the shadow it created.
  const ownsShadow = row !== undefined && !row.completed_at;
  if (!req.restart) {
    if (row && !row.completed_at && row.command.ranges) {
      resumed = true;
      ranges = row.command.ranges.map((r) => ({ ...r, from: BigInt(r.from), to: BigInt(r.to) }));
      positions = row.positions;
      addCounts(counts, row.counts);
      ctx.output.note(
        `resuming the replay started ${row.started_at.toISOString()} from its checkpoint ` +
          `(${counts.read.toLocaleString('en-US')} of ${rangeSize(ranges).toLocaleString('en-US')} records done); ` +
          'pass --restart to start over',
      );
    }
  }
  ranges ??= await resolveRanges(
    admin,
    req.offsets ? { kind: 'offsets', specs: req.offsets } : { kind: 'time', topics, ...req.time! },
  );
  const stored = ranges.map((r) => ({ ...r, from: r.from.toString(), to: r.to.toString() }));
  await audit.set({ range: { ...req.identity, resolved: stored } });
  if (rangeSize(ranges) === 0) {
    throw new AppError('REPLAY_NO_DATA', `no records in the range on ${topics.join(', ')}`, {
      details: { ranges: stored },
    });
  }
  // What is left to read: each range from its checkpointed position.
  const remaining = ranges.map((r) => {
    const at = positions[`${r.topic}:${r.partition}`];
    return at === undefined || BigInt(at) < r.from
      ? r
      : { ...r, from: BigInt(at) > r.to ? r.to : BigInt(at) };
  });
  const progress = new Progress({
    label: req.dryRun ? 'dry run' : `replay → ${req.sink}`,
    total: rangeSize(remaining),
  });

  if (req.dryRun) {
    await runRangePass({
      kafka: ctx.kafka(),
      ranges: remaining,
      filter,
      counts,
      positions,
      progress,
      signal: ctx.signal,
      batchSize: Number.MAX_SAFE_INTEGER,
      maxBytesPerPartition: DRY_RUN_FETCH_BYTES,
    });
    return summary(req, resumed, stored, counts, started, undefined);
  }

  const overrides = req.shadow ? await openShadow(ctx, req.sink, req.shadow, { resume: ownsShadow }) : {};
  const spec = req.shadow
    ? sinkSpecFor(req.sink, ctx.envWith({ ...replayDefaults(req, ctx.env), ...overrides }))
    : liveSpec;
  const sink = await openSink(ctx, spec, ctx.logger);
  ctx.onClose(() => sink.close());
  const checkpoint = resumed
    ? Checkpoint.resume(ops!, hash)
    : await Checkpoint.begin(ops!, hash, { ...req.identity, ranges: stored }, positions);
  try {
    await runRangePass({
      kafka: ctx.kafka(),
      ranges: remaining,
      filter,
      counts,
      positions,
      progress,
      signal: ctx.signal,
      sink,
      checkpoint,
      limiter: rateLimiterFor(req.rate),
      batchSize: req.batchSize,
      maxBatches: req.maxBatches,
      // The sink's own fetch size: its batches are the ones it writes live.
      maxBytesPerPartition: spec.config.SINK_MAX_BYTES_PER_PARTITION,
      onLimit: () => ctx.interruptNow('--max-batches reached'),
    });
  } catch (err) {
    // The audit row and the --json error carry how far it got.
    Object.assign(err as object, { counts });
    throw err;
  }
  await checkpoint.complete(counts);
  return summary(req, resumed, stored, counts, started, await sink.rowsByTable());
}

/** --topic narrows the sink's topics; naming one the sink does not read is an error. */
function narrowTopics(sinkTopics: string[], req: ReplayRequest): string[] {
  const named = [...req.topics, ...(req.offsets ?? []).map((s) => s.topic)];
  for (const t of named) {
    if (!sinkTopics.includes(t)) {
      throw new AppError(
        'REPLAY_UNKNOWN_TOPIC',
        `the ${req.sink} sink does not read '${t}' (it reads ${sinkTopics.join(', ')})`,
      );
    }
  }
  return req.topics.length > 0 ? req.topics : sinkTopics;
}

/**
 * Sink settings the replay changes unless the environment sets them: ClickHouse's group commit
 * waits up to a second for more rows, which a replay (already in big batches) only pays for.
 */
function replayDefaults(req: ReplayRequest, env: Record<string, string | undefined>): Record<string, string> {
  if (req.sink === 'clickhouse' && !env.SINK_FLUSH_INTERVAL_MS) return { SINK_FLUSH_INTERVAL_MS: '50' };
  return {};
}

function summary(
  req: ReplayRequest,
  resumed: boolean,
  ranges: StoredRange[],
  counts: ReplayCounts,
  started: number,
  rowsByTable: Record<string, number> | undefined,
): ReplaySummary {
  const elapsedMs = Date.now() - started;
  return {
    sink: req.sink,
    shadow: req.shadow ?? null,
    dryRun: req.dryRun,
    resumed,
    ranges,
    counts,
    written: req.dryRun ? 0 : writtenOf(counts),
    ...(rowsByTable ? { rowsByTable } : {}),
    elapsedMs,
    recordsPerSecond: Math.round(counts.read / Math.max(elapsedMs / 1000, 1e-3)),
  };
}
