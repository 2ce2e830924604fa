/**
 * Per-store deduplication and gap tracking over `store_seq` (gap-free from 1 at the store). Instead
 * of a growing set of event ids it keeps the highest contiguous sequence seen plus a bounded, sorted
 * list of sequences above it (records that arrived past a gap). Pure: callers own the clock.
 */
export interface StoreSeqState {
  /** Every sequence 1..contiguous has been seen. */
  contiguous: number;
  /** Seen sequences above contiguous + 1, ascending; never longer than the window. */
  above: number[];
  /** When the lowest open gap was first seen (processing time), or null without a gap. */
  gapOpenedAt: number | null;
  /** First missing sequence of the lowest gap when an OPEN alert was raised for it, else null. */
  alertedFrom: number | null;
}

export type GapStatus = 'OPEN' | 'CLOSED' | 'GIVEN_UP';

export interface GapReport {
  status: GapStatus;
  firstMissing: number;
  lastMissing: number;
  highestSeen: number;
  openedAt: number;
}

export interface Observation {
  duplicate: boolean;
  /** CLOSED when an alerted gap filled, GIVEN_UP when the window overflowed. */
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
 * Records `seq` (mutating `s`). A sequence at or below the contiguous mark or already in the
 * window is a duplicate. Past a gap the record is new (forwarded) and the gap stays open until the
 * missing sequences arrive; when the window would exceed `window` entries, the lowest gap is given
 * up (the mark jumps over it) and reported.
 */
export function observe(s: StoreSeqState, seq: number, now: number, window: number): Observation {
  if (seq <= s.contiguous) return { duplicate: true, reports: [] };
  const reports: GapReport[] = [];
  if (seq === s.contiguous + 1) {
    const gap = lowestGap(s);
    s.contiguous = seq;
    if (absorb(s) && gap) {
      if (s.alertedFrom !== null) reports.push(report(s, 'CLOSED', [s.alertedFrom, gap[1]]));
      restartGapClock(s, now);
    }
    return { duplicate: false, reports };
  }
  const at = insertionPoint(s.above, seq);
  if (s.above[at] === seq) return { duplicate: true, reports };
  s.above.splice(at, 0, seq);
  s.gapOpenedAt ??= now;
  while (s.above.length > window) {
    const gap = lowestGap(s)!;
    reports.push(report(s, 'GIVEN_UP', gap));
    s.contiguous = gap[1];
    absorb(s);
    restartGapClock(s, now);
  }
  return { duplicate: false, reports };
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

/** Compact JSON for the changelog topic; `v` lets a later build read older state. */
export function serializeState(s: StoreSeqState): string {
  return JSON.stringify({ v: 1, c: s.contiguous, a: s.above, g: s.gapOpenedAt, al: s.alertedFrom });
}

export function parseState(text: string): StoreSeqState {
  const o = JSON.parse(text) as { v?: number; c?: unknown; a?: unknown; g?: unknown; al?: unknown };
  if (
    o.v !== 1 ||
    typeof o.c !== 'number' ||
    !Array.isArray(o.a) ||
    !o.a.every((n) => typeof n === 'number') ||
    (o.g !== null && typeof o.g !== 'number') ||
    (o.al !== null && typeof o.al !== 'number')
  ) {
    throw new Error(`unreadable dedup state: ${text.slice(0, 200)}`);
  }
  return {
    contiguous: o.c,
    above: o.a as number[],
    gapOpenedAt: o.g as number | null,
    alertedFrom: o.al as number | null,
  };
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
