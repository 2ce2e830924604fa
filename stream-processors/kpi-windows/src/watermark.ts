/**
 * Event-time progress per store. A store's watermark is the highest occurred_at seen from that
 * store minus the allowed lateness; a window of that store is final once the watermark reaches its
 * end. Each store has its own, so an idle or offline store never holds back another store, and a
 * store replaying a backlog advances through its own history at its own pace.
 */
export function watermarkOf(maxEventTime: number, allowedLatenessMs: number): number {
  return maxEventTime === Number.NEGATIVE_INFINITY ? maxEventTime : maxEventTime - allowedLatenessMs;
}

/** True once the window [.., end) can no longer receive on-time events. */
export function isClosed(windowEnd: number, watermark: number): boolean {
  return watermark >= windowEnd;
}

/** True once a final window may be dropped from memory (its changelog entry tombstoned). */
export function isEvictable(windowEnd: number, watermark: number, graceMs: number): boolean {
  return watermark >= windowEnd + graceMs;
}

export type LateDecision =
  /** The window is open: apply normally. */
  | 'on-time'
  /** The window already closed (final revision out, or it closed while empty): apply as a correction. */
  | 'correction'
  /** The window was evicted from state: not applied here; the event goes to the corrections topic for recompute. */
  | 'evicted';

export function lateDecision(
  windowEnd: number,
  watermark: number,
  evictedBefore: number,
  windowKnownFinal: boolean | undefined,
): LateDecision {
  if (windowKnownFinal === undefined && windowEnd <= evictedBefore) return 'evicted';
  if (windowKnownFinal === true || isClosed(windowEnd, watermark)) return 'correction';
  return 'on-time';
}

/** Emit a non-final update when it changed and the last emit is at least `intervalMs` ago. */
export function emitDue(dirty: boolean, lastEmitAt: number, now: number, intervalMs: number): boolean {
  return dirty && now - lastEmitAt >= intervalMs;
}
