import { describe, expect, it } from 'vitest';
import { DuplicateInjector } from './duplicate-injector.ts';

describe('DuplicateInjector.chosen', () => {
  it('picks about the asked fraction, the same ids every time', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `0193-${i}`);
    const picked = ids.filter((id) => DuplicateInjector.chosen(id, 0.01));
    expect(picked.length).toBeGreaterThan(140);
    expect(picked.length).toBeLessThan(260);
    expect(ids.filter((id) => DuplicateInjector.chosen(id, 0.01))).toEqual(picked);
    expect(ids.some((id) => DuplicateInjector.chosen(id, 0))).toBe(false);
  });
});
