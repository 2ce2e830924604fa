import type { RecordFacts } from './record-facts.ts';

/** Counts of a replay (or a dry run), by partition, store and event type; JSON-able. */
export interface ReplayCounts {
  /** Records read in the ranges (filtered out ones included). */
  read: number;
  /** Records that pass the filters: what is (or would be) handed to the sink. */
  matched: number;
  byPartition: Record<string, number>;
  byStore: Record<string, number>;
  byType: Record<string, number>;
  /** Records the sink's own code refused (would be dead-lettered live), by error code. */
  rejected: Record<string, number>;
  /** Write batches done. */
  batches: number;
}

export function emptyCounts(): ReplayCounts {
  return { read: 0, matched: 0, byPartition: {}, byStore: {}, byType: {}, rejected: {}, batches: 0 };
}

const bump = (m: Record<string, number>, k: string, n = 1) => void (m[k] = (m[k] ?? 0) + n);

export function countMatched(c: ReplayCounts, topicPartition: string, facts: RecordFacts): void {
  c.matched++;
  bump(c.byPartition, topicPartition);
  bump(c.byStore, facts.store);
  bump(c.byType, facts.eventType);
}

export function countRejected(c: ReplayCounts, code: string, n = 1): void {
  bump(c.rejected, code, n);
}

/** Adds `b` into `a` (a resumed replay's counts continue the checkpoint's). */
export function addCounts(a: ReplayCounts, b: Partial<ReplayCounts>): ReplayCounts {
  a.read += b.read ?? 0;
  a.matched += b.matched ?? 0;
  a.batches += b.batches ?? 0;
  for (const key of ['byPartition', 'byStore', 'byType', 'rejected'] as const) {
    for (const [k, n] of Object.entries(b[key] ?? {})) bump(a[key], k, n);
  }
  return a;
}

/** Records handed to the sink and not refused by it. */
export function writtenOf(c: ReplayCounts): number {
  return c.matched - Object.values(c.rejected).reduce((s, n) => s + n, 0);
}
