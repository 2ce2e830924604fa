import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapBounded } from './map-bounded.ts';

describe('mapBounded', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(n);
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it('rejects with the first error after started calls settle, starting no new ones', async () => {
    const started: number[] = [];
    let settled = 0;
    await expect(
      mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        await sleep(n * 2);
        settled++;
        if (n === 1) throw new Error('boom 1');
        return n;
      }),
    ).rejects.toThrow('boom 1');
    expect(settled).toBe(started.length);
    expect(started.length).toBeLessThan(5);
  });

  it('handles empty input and refuses a bad limit', async () => {
    expect(await mapBounded([], 3, async () => 1)).toEqual([]);
    await expect(mapBounded([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
