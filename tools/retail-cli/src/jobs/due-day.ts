import { localDateString } from '@retail-stream/runtime';

/**
 * The store-local day a nightly reconciliation should cover at `now`: the last day that ended at
 * least `latenessMs` ago in the store's zone. One scheduler tick therefore serves every zone: a
 * store in UTC+7 becomes due at 00:30 local (with 30 min lateness), one in UTC−5 five hours later
 * UTC, without a cron per zone. Pure.
 */
export function dueDay(now: number, timezone: string, latenessMs: number): string {
  const today = localDateString(now - latenessMs, timezone);
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** YYYY-MM-DD of the UTC day before `now`. Pure. */
export function previousUtcDay(now: number): string {
  return new Date(now - 86_400_000).toISOString().slice(0, 10);
}
