import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, uuidv7, uuidv7Time } from './uuid-v7.ts';

describe('uuidv7', () => {
  it('has version 7, RFC variant and the timestamp in front', () => {
    const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const id = uuidv7(at);
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(uuidv7Time(id)).toBeGreaterThanOrEqual(at);
  });

  it('is strictly increasing within one millisecond and unique', () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 5_000 }, () => uuidv7(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('never goes backwards when the clock does', () => {
    const later = uuidv7(Date.now() + 120_000);
    expect(uuidv7(Date.now()) > later).toBe(true);
  });
});
