/**
 * Per-store deduplication and gap tracking over `store_seq` (gap-free from 1 at the store, within
 * one store epoch: store-epoch-state.ts). Instead of a growing set of event ids it keeps the highest
 * contiguous sequence seen plus a bounded, sorted list of sequences above it (records that arrived
 * past a gap). The contiguous mark only moves when the next sequence really arrives: a record too
 * far above it is HELD (dead-lettered, retriable) rather than letting it push the mark over events
 * that have not arrived yet, so a forged or rebuilt high store_seq can never make the store's real
 * events look like duplicates. Pure: callers own the clock.
 */
export interface StoreSeqState {
  /** Every sequence 1..contiguous has been seen. */
  contiguous: number;
  /** Seen sequences above contiguous + 1, ascending; all within contiguous + window. */
  above: number[];
  /** When the lowest open gap was first seen (processing time), or null without a gap. */
  gapOpenedAt: number | null;
  /** First missing sequence of the lowest gap when an OPEN alert was raised for it, else null. */
  alertedFrom: number | null;
}

/** HELD: a record beyond contiguous + window was refused (dead-lettered) instead of placed. */
export type GapStatus = 'OPEN' | 'CLOSED' | 'HELD';

export interface GapReport {
  status: GapStatus;
  firstMissing: number;
  lastMissing: number;
  highestSeen: number;
  openedAt: number;
}

export interface Observation {
  duplicate: boolean;
  /** Not placed: the caller dead-letters it (SEQUENCE_OUT_OF_WINDOW); the state is unchanged. */
  held: boolean;
  /** CLOSED when an alerted gap filled; HELD (one per held record) when held. */
  reports: GapReport[];
}

export function emptyState(): StoreSeqState {
  return { contiguous: 0, above: [], gapOpenedAt: null, alertedFrom: null };
}

export function highestSeen(s: StoreSeqState): number {
  return s.above.length > 0 ? s.above[s.above.length - 1]! : s.contiguous;
}

/** The lowest gap as [first, last] missing sequence, or undefined. */
export function lowestGap(s: StoreSeqState): [number, number] | undefined {
  return s.above.length > 0 ? [s.contiguous + 1, s.above[0]! - 1] : undefined;
}

/**
 * Records `seq` (mutating `s`, except when held). A sequence at or below the contiguous mark or
 * already in the window is a duplicate. The next sequence moves the mark (and over the window
 * entries that now follow it). A sequence past a gap but within `window` of the mark is new
 * (forwarded) and the gap stays open until the missing sequences arrive. Anything further is held:
 * nothing is given up, the mark never jumps, and the record can be redriven once the gap filled.
 */
export function observe(s: StoreSeqState, seq: number, now: number, window: number): Observation {
  if (seq <= s.contiguous) return { duplicate: true, held: false, reports: [] };
  const reports: GapReport[] = [];
  if (seq === s.contiguous + 1) {
    const gap = lowestGap(s);
    s.contiguous = seq;
    if (absorb(s) && gap) {
      if (s.alertedFrom !== null) reports.push(report(s, 'CLOSED', [s.alertedFrom, gap[1]]));
      restartGapClock(s, now);
    }
    return { duplicate: false, held: false, reports };
  }
  const at = insertionPoint(s.above, seq);
  if (s.above[at] === seq) return { duplicate: true, held: false, reports };
  // Entries stay within contiguous + window, so this also bounds the list (even after the window
  // was configured smaller than an older state's list: such a state only shrinks).
  if (seq > s.contiguous + window || s.above.length >= window) {
    reports.push({
      status: 'HELD',
      firstMissing: s.contiguous + 1,
      lastMissing: seq - 1,
      highestSeen: seq,
      openedAt: s.gapOpenedAt ?? now,
    });
    return { duplicate: false, held: true, reports };
  }
  s.above.splice(at, 0, seq);
  s.gapOpenedAt ??= now;
  return { duplicate: false, held: false, reports };
}

/** An OPEN report when the lowest gap is older than `openAfterMs` and not yet reported (marks it). */
export function ageGap(s: StoreSeqState, now: number, openAfterMs: number): GapReport | undefined {
  if (s.gapOpenedAt === null || s.alertedFrom !== null || now - s.gapOpenedAt < openAfterMs) return undefined;
  const gap = lowestGap(s);
  if (!gap) return undefined;
  s.alertedFrom = gap[0];
  return report(s, 'OPEN', gap);
}

export function isGapOlderThan(s: StoreSeqState, now: number, ms: number): boolean {
  return s.gapOpenedAt !== null && now - s.gapOpenedAt >= ms;
}

// ── helpers ──────────────────────────────────────────────────────────────────

/** Moves the contiguous mark over window entries that now follow it; true when any did. */
function absorb(s: StoreSeqState): boolean {
  let n = 0;
  while (n < s.above.length && s.above[n] === s.contiguous + 1) {
    s.contiguous++;
    n++;
  }
  if (n > 0) s.above.splice(0, n);
  return n > 0;
}

/** The lowest gap changed: a remaining (higher) gap is timed from now, not reported yet. */
function restartGapClock(s: StoreSeqState, now: number): void {
  s.gapOpenedAt = s.above.length > 0 ? now : null;
  s.alertedFrom = null;
}

function report(s: StoreSeqState, status: GapStatus, gap: [number, number]): GapReport {
  return {
    status,
    firstMissing: gap[0],
    lastMissing: gap[1],
    highestSeen: highestSeen(s),
    openedAt: s.gapOpenedAt ?? 0,
  };
}

function insertionPoint(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
