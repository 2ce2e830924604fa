import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.ts';

describe('BoundedCache', () => {
  it('never holds more than max entries however many keys are set, evicting the least recently used', () => {
    const evicted: number[] = [];
    const cache = new BoundedCache<number, string>({ max: 3, onEvict: (k) => evicted.push(k) });
    for (let id = 1; id <= 10_000; id++) cache.set(id, `schema ${id}`);
    expect(cache.size).toBe(3);
    expect([...cache.keys()]).toEqual([9_998, 9_999, 10_000]);
    expect(evicted).toHaveLength(9_997);
    expect(evicted.slice(0, 2)).toEqual([1, 2]);
  });

  it('a read refreshes an entry so a hot key survives a flood of cold ones', () => {
    const cache = new BoundedCache<string, number>({ max: 2 });
    cache.set('hot', 1);
    cache.set('a', 2);
    expect(cache.get('hot')).toBe(1);
    cache.set('b', 3);
    expect(cache.get('hot')).toBe(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('entries past their TTL read as absent and are dropped', () => {
    let t = 1_000;
    const cache = new BoundedCache<number, true>({ max: 10, ttlMs: 500, now: () => t });
    cache.set(7, true);
    t += 499;
    expect(cache.has(7)).toBe(true);
    t += 1;
    expect(cache.has(7)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BoundedCache({ max: 0 })).toThrow(RangeError);
  });
});
