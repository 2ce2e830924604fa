import { AppError } from '@retail-stream/runtime';
import { parseTimeRange } from '../cli-kit/duration.ts';
import { usageError } from '../cli-kit/exit-codes.ts';
import { listOption, parseOffsetSpec, type OffsetSpec } from './offset-spec.ts';
import { isSinkName, SINKS, type SinkName } from './sink-target.ts';

/** `retail replay` options as commander gives them. */
export interface ReplayOptions {
  sink?: string;
  from?: string;
  to?: string;
  offsets?: string[];
  topic?: string[];
  store?: string[];
  eventType?: string[];
  shadow?: string;
  rate?: string;
  batchSize?: string;
  dryRun?: boolean;
  restart?: boolean;
  maxBatches?: string;
}

/** The options checked and normalised; nothing touched a service yet. */
export interface ReplayRequest {
  sink: SinkName;
  /** --topic; empty: every topic the sink consumes. */
  topics: string[];
  time?: { from: number; to: number };
  offsets?: OffsetSpec[];
  stores: string[];
  eventTypes: string[];
  shadow?: string;
  rate?: number;
  batchSize: number;
  dryRun: boolean;
  restart: boolean;
  maxBatches?: number;
  /** What identifies the replay for its checkpoint (checkpoint.ts commandHash). */
  identity: Record<string, unknown>;
}

const RELATIVE = /^\d+(\.\d+)?(ms|s|m|h|d|w)$/;

export function parseReplayOptions(o: ReplayOptions, now: number = Date.now()): ReplayRequest {
  if (!o.sink) throw usageError(`--sink is required (${SINKS.join(', ')})`);
  if (!isSinkName(o.sink)) throw usageError(`--sink '${o.sink}': one of ${SINKS.join(', ')}`);
  const hasTime = o.from !== undefined || o.to !== undefined;
  const hasOffsets = (o.offsets?.length ?? 0) > 0;
  if (hasTime && hasOffsets) throw usageError('give either --from/--to or --offsets, not both');
  if (!hasTime && !hasOffsets) throw usageError('a replay is bounded: give --from [--to] or --offsets');
  let time: ReplayRequest['time'];
  try {
    time = parseTimeRange(o.from, o.to, now);
  } catch (err) {
    // An inverted range is the replay's own "bad range" (same exit code, a more precise code).
    if (err instanceof AppError && /not after --from/.test(err.message)) {
      throw new AppError('REPLAY_BAD_RANGE', err.message);
    }
    throw err;
  }
  const offsets = hasOffsets ? o.offsets!.map(parseOffsetSpec) : undefined;
  const seen = new Set<string>();
  for (const s of offsets ?? []) {
    const key = `${s.topic}:${s.partition}`;
    if (seen.has(key)) throw usageError(`--offsets names ${key} twice; give one range per partition`);
    seen.add(key);
  }
  const rate = o.rate === undefined ? undefined : positive('--rate', o.rate, false);
  // Default: each fetch written whole, as the live sink writes a consumed batch.
  const batchSize =
    o.batchSize === undefined ? Number.MAX_SAFE_INTEGER : positive('--batch-size', o.batchSize, true);
  const maxBatches = o.maxBatches === undefined ? undefined : positive('--max-batches', o.maxBatches, true);
  if (o.shadow !== undefined && !/^[a-z][a-z0-9_]{0,39}$/.test(o.shadow)) {
    throw usageError(`--shadow '${o.shadow}': lower-case letters, digits and _ (starting with a letter)`);
  }
  const topics = listOption(o.topic).sort();
  const stores = listOption(o.store).sort();
  const eventTypes = listOption(o.eventType).sort();
  const identity = {
    sink: o.sink,
    shadow: o.shadow,
    topics,
    // As typed for relative times ("2h" means the same replay when typed again to resume);
    // absolute ones normalised, so 2026-03-01T08:00Z and 2026-03-01T08:00:00.000Z are one replay.
    from: o.from === undefined ? undefined : RELATIVE.test(o.from.trim()) ? o.from.trim() : time?.from,
    to: o.to === undefined ? undefined : RELATIVE.test(o.to.trim()) ? o.to.trim() : time?.to,
    offsets: offsets?.map((s) => `${s.topic}:${s.partition}:${s.from}-${s.toExclusive ?? ''}`).sort(),
    stores,
    eventTypes,
  };
  return {
    sink: o.sink,
    topics,
    time,
    offsets,
    stores,
    eventTypes,
    shadow: o.shadow,
    rate,
    batchSize,
    dryRun: o.dryRun === true,
    restart: o.restart === true,
    maxBatches,
    identity,
  };
}

function positive(name: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw usageError(`${name} '${text}': a ${integer ? 'whole ' : ''}number > 0`);
  }
  return n;
}
