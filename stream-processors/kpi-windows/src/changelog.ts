import { cloneMeasures } from './measures.ts';
import { windowState, type StoreMeta, type WindowState } from './store-windows.ts';

/**
 * Stage-1 state as changelog records (compacted topic, one partition per input partition, JSON:
 * internal to this service, versioned by the `v` field, never read by anyone else).
 *  - `w|<size>|<start>|<store_id>`: one store window (null value = evicted)
 *  - `m|<store_id>`: the store's event-time high mark and eviction marks
 *  - `c`: the next input offset the state reflects, written in the same transaction as the state
 */
export const CHECKPOINT_KEY = 'c';

export type ChangelogEntry =
  | { kind: 'window'; storeId: string; windowKey: string; state: WindowState | null }
  | { kind: 'meta'; storeId: string; meta: StoreMeta | null }
  | { kind: 'checkpoint'; next: bigint };

export function windowEntryKey(storeId: string, windowKey: string): string {
  return `w|${windowKey}|${storeId}`;
}

export function metaEntryKey(storeId: string): string {
  return `m|${storeId}`;
}

export function encodeWindow(w: WindowState): string {
  // Listed rather than `{ v: 1, ...rest }`: no rest copy of every window per changelog write.
  return JSON.stringify({
    v: 1,
    size: w.size,
    start: w.start,
    end: w.end,
    timezone: w.timezone,
    currency: w.currency,
    m: w.m,
    revision: w.revision,
    isFinal: w.isFinal,
    dirty: w.dirty,
  });
}

export function encodeMeta(meta: StoreMeta): string {
  // JSON has no -Infinity; null means "no event yet".
  return JSON.stringify({
    v: 1,
    maxEventTime: Number.isFinite(meta.maxEventTime) ? meta.maxEventTime : null,
    evictedBefore: meta.evictedBefore,
  });
}

export function encodeCheckpoint(next: bigint): string {
  return JSON.stringify({ v: 1, next: next.toString() });
}

/** Parses one changelog record; undefined for keys this version does not know. */
export function decodeEntry(key: string, value: Buffer | null): ChangelogEntry | undefined {
  if (key === CHECKPOINT_KEY) {
    if (!value) return undefined;
    return { kind: 'checkpoint', next: BigInt((JSON.parse(value.toString()) as { next: string }).next) };
  }
  if (key.startsWith('m|')) {
    const storeId = key.slice(2);
    if (!value) return { kind: 'meta', storeId, meta: null };
    const raw = JSON.parse(value.toString()) as {
      maxEventTime: number | null;
      evictedBefore: StoreMeta['evictedBefore'];
    };
    return {
      kind: 'meta',
      storeId,
      meta: {
        maxEventTime: raw.maxEventTime ?? Number.NEGATIVE_INFINITY,
        evictedBefore: raw.evictedBefore ?? {},
      },
    };
  }
  if (key.startsWith('w|')) {
    const [, size, start, ...rest] = key.split('|');
    const storeId = rest.join('|');
    const windowKey = `${size}|${start}`;
    if (!value) return { kind: 'window', storeId, windowKey, state: null };
    const s = JSON.parse(value.toString()) as WindowState & { v: number };
    const state = windowState(s, s.currency, cloneMeasures(s.m), s.revision, s.isFinal, s.dirty);
    return { kind: 'window', storeId, windowKey, state };
  }
  return undefined;
}
