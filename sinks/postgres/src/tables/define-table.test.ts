import { describe, expect, it } from 'vitest';
import { iso } from './define-table.ts';

describe('iso', () => {
  it("is toISOString's text for every millisecond shape: hour and day edges, leap days, pre-1970, far years", () => {
    const cases = [
      0,
      1,
      59_999,
      60_000,
      3_599_999,
      3_600_000,
      Date.parse('2024-02-29T23:59:59.999Z'),
      Date.parse('2026-12-07T13:05:09.007Z'),
      Date.parse('2026-12-07T13:05:09.070Z'),
      -1,
      -86_400_001,
      Date.parse('9999-12-31T23:59:59.999Z'),
      Date.parse('9999-12-31T23:59:59.999Z') + 1,
      1.5,
    ];
    // Also a walk through one day, out of order, so the cached hour changes back and forth.
    let x = 7;
    for (let i = 0; i < 2_000; i++) {
      x = (x * 48_271) % 2_147_483_647;
      cases.push(Date.parse('2026-03-29T00:00:00Z') + (x % 86_400_000));
    }
    for (const ms of cases) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });
});
