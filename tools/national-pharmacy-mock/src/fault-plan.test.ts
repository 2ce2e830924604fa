import { seededRandom } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { parseFaults } from './fault-config.ts';
import { FaultPlan } from './fault-plan.ts';

const tally = (plan: FaultPlan, n: number) => {
  const counts: Record<string, number> = {};
  const kinds: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = plan.decide('write').outcome.kind;
    kinds.push(k);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { counts, kinds };
};

describe('FaultPlan', () => {
  const config = { seed: 42, errorRate: 0.3, rateLimitRate: 0.05, timeoutRate: 0.1, slowRate: 0.05 };

  it('gives the same faults in the same order for the same seed', () => {
    const a = tally(new FaultPlan(parseFaults(config), Date.now), 1000);
    const b = tally(new FaultPlan(parseFaults(config), Date.now), 1000);
    expect(a.kinds).toEqual(b.kinds);
    // Exact counts, from the same two draws per request (jitter, outcome).
    const r = seededRandom(42);
    const expected: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) {
      r();
      const u = r();
      const k =
        u < 0.3 ? 'error' : u < 0.35 ? 'rate-limit' : u < 0.45 ? 'timeout' : u < 0.5 ? 'slow' : 'none';
      expected[k] = (expected[k] ?? 0) + 1;
    }
    expect(a.counts).toEqual(expected);
    expect(a.counts.error).toBeGreaterThan(250);
    expect(a.counts.slow).toBeGreaterThan(20);
  });

  it('restarts the draws when a seed is set again, and cycles the 5xx statuses', () => {
    const plan = new FaultPlan(parseFaults({ seed: 7, errorRate: 1 }), Date.now);
    const statuses = Array.from({ length: 5 }, () => {
      const o = plan.decide('read').outcome;
      return o.kind === 'error' ? o.status : 0;
    });
    expect(statuses).toEqual([500, 502, 503, 504, 500]);
    const first = tally(new FaultPlan(parseFaults(config), Date.now), 50).kinds;
    plan.replace(parseFaults(config));
    expect(tally(plan, 50).kinds).toEqual(first);
  });

  it('adds the fixed latency and a jitter below latencyJitterMs', () => {
    const plan = new FaultPlan(parseFaults({ seed: 1, latencyMs: 50, latencyJitterMs: 20 }), Date.now);
    const ls = Array.from({ length: 200 }, () => plan.decide('write').latencyMs);
    expect(Math.min(...ls)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...ls)).toBeLessThan(70);
    expect(new Set(ls).size).toBeGreaterThan(10);
  });

  it('leaves requests out of scope alone', () => {
    const plan = new FaultPlan(parseFaults({ seed: 1, errorRate: 1, scope: ['write'] }), Date.now);
    expect(plan.decide('login').outcome.kind).toBe('none');
    expect(plan.decide('write').outcome.kind).toBe('error');
  });

  it('is in maintenance while switched on or inside a window, with the seconds left', () => {
    let now = Date.parse('2026-12-06T02:00:00Z');
    const plan = new FaultPlan(
      parseFaults({ maintenanceWindows: [{ from: '2026-12-06T02:00:00Z', to: '2026-12-06T02:02:00Z' }] }),
      () => now,
    );
    expect(plan.decide('write').outcome).toEqual({ kind: 'maintenance', retryAfterS: 120 });
    now += 119_500;
    expect(plan.decide('write').outcome).toEqual({ kind: 'maintenance', retryAfterS: 1 });
    now += 500;
    expect(plan.decide('write').outcome.kind).toBe('none');
    plan.replace(parseFaults({ maintenance: true }));
    expect(plan.decide('login').outcome).toEqual({ kind: 'maintenance' });
  });

  it('refuses rates that add up to more than 1', () => {
    expect(() => parseFaults({ errorRate: 0.6, timeoutRate: 0.5 })).toThrow(/at most 1/);
  });
});
