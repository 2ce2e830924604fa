import { describe, expect, it } from 'vitest';
import type { NationalSyncStore } from '../api-types.ts';
import { needsAttention, OLD_PENDING_MS, sortForOperators } from './national-sync.ts';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const store = (store_id: string, failed: number, pendingForMs: number | null): NationalSyncStore => ({
  store_id,
  ma_co_so: `CS-${store_id}`,
  counts: { pending: pendingForMs === null ? 0 : 1, in_flight: 0, success: 3, failed, cancelled: 0 },
  by_type: [],
  oldest_pending_at: pendingForMs === null ? null : new Date(NOW - pendingForMs).toISOString(),
  oldest_pending_age_s: pendingForMs === null ? null : pendingForMs / 1000,
  waiting_reason: null,
  latest_failures: [],
});

describe('national sync panel order', () => {
  it('needs attention: failures, or a document pending longer than the alert age', () => {
    expect(needsAttention(store('a', 1, null), NOW)).toBe(true);
    expect(needsAttention(store('a', 0, OLD_PENDING_MS + 1000), NOW)).toBe(true);
    expect(needsAttention(store('a', 0, 60_000), NOW)).toBe(false);
    expect(needsAttention(store('a', 0, null), NOW)).toBe(false);
  });

  it('puts failing stores first (most failures), then old pending (oldest), then the rest by id', () => {
    const sorted = sortForOperators(
      [
        store('s1', 0, null),
        store('s2', 0, OLD_PENDING_MS * 2),
        store('s3', 1, null),
        store('s4', 0, 60_000),
        store('s5', 4, null),
        store('s6', 0, OLD_PENDING_MS * 4),
      ],
      NOW,
    );
    expect(sorted.map((s) => s.store_id)).toEqual(['s5', 's3', 's6', 's2', 's1', 's4']);
  });
});
