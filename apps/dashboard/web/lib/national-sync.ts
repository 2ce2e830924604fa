import type { NationalSyncStore } from '../api-types.ts';

/**
 * Older than this, a pending document is worth an operator's look: the sync service alerts at the
 * same age by default (NATIONAL_SYNC_PENDING_ALERT_MS, 15 min).
 */
export const OLD_PENDING_MS = 15 * 60_000;

/** A store with failed documents or a document pending for too long. */
export function needsAttention(s: NationalSyncStore, nowMs: number): boolean {
  if (s.counts.failed > 0) return true;
  return s.oldest_pending_at !== null && nowMs - Date.parse(s.oldest_pending_at) > OLD_PENDING_MS;
}

/**
 * The panel's order: stores needing attention first (most failures, then oldest pending), then the
 * others by store id, so a problem is what one sees.
 */
export function sortForOperators(stores: readonly NationalSyncStore[], nowMs: number): NationalSyncStore[] {
  const oldest = (s: NationalSyncStore) =>
    s.oldest_pending_at === null ? Number.POSITIVE_INFINITY : Date.parse(s.oldest_pending_at);
  return [...stores].sort((a, b) => {
    const attention = Number(needsAttention(b, nowMs)) - Number(needsAttention(a, nowMs));
    if (attention !== 0) return attention;
    if (needsAttention(a, nowMs)) {
      const failed = b.counts.failed - a.counts.failed;
      if (failed !== 0) return failed;
      const age = oldest(a) - oldest(b);
      if (age !== 0) return age;
    }
    return a.store_id.localeCompare(b.store_id);
  });
}
