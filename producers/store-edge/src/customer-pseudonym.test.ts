import { describe, expect, it } from 'vitest';
import { pseudonymiseCustomer } from './customer-pseudonym.ts';

describe('customer pseudonym', () => {
  const key = 'k'.repeat(32);
  it('is a keyed, stable hash that hides the id', () => {
    const ref = pseudonymiseCustomer('0901234567', key);
    expect(ref).toMatch(/^[0-9a-f]{64}$/);
    expect(ref).not.toContain('0901234567');
    expect(pseudonymiseCustomer(' 0901234567 ', key)).toBe(ref);
    expect(pseudonymiseCustomer('0901234567', 'other-key'.padEnd(32, 'x'))).not.toBe(ref);
  });
});
