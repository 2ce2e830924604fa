import { describe, expect, it } from 'vitest';
import { customerRefProblem, pseudonymiseCustomer } from './customer-pseudonym.ts';

describe('customer pseudonyms', () => {
  const secret = 's'.repeat(32);

  it('what the store edge produces is a pseudonym, with or without a key id', () => {
    const bare = pseudonymiseCustomer('0901234567', secret);
    expect(bare).toMatch(/^[0-9a-f]{64}$/);
    expect(customerRefProblem(bare)).toBeUndefined();
    const withId = pseudonymiseCustomer('0901234567', `c2:${secret}`);
    expect(withId).toBe(`c2.${pseudonymiseCustomer('0901234567', secret)}`);
    expect(customerRefProblem(withId)).toBeUndefined();
    expect(customerRefProblem(null)).toBeUndefined();
  });

  it('two keys give different pseudonyms for one customer (rotation), each naming its key', () => {
    const old = pseudonymiseCustomer('0901234567', `c1:${secret}`);
    const next = pseudonymiseCustomer('0901234567', `c2:${'t'.repeat(32)}`);
    expect(old.split('.')[0]).toBe('c1');
    expect(next.split('.')[0]).toBe('c2');
    expect(old.split('.')[1]).not.toBe(next.split('.')[1]);
  });

  it('refuses raw phone and card numbers and anything else that is not a digest, without echoing it', () => {
    for (const raw of [
      '+84901234567',
      '0901234567',
      '4111 1111 1111 1111',
      'nguyen.van.a@example.com',
      'A'.repeat(64),
      `${'a'.repeat(63)}`,
      'c2.0901234567',
    ]) {
      const problem = customerRefProblem(raw);
      expect(problem, raw).toMatch(/^customer_ref: not a pseudonym/);
      expect(problem).not.toContain(raw);
    }
    expect(customerRefProblem('+84901234567')).toMatch(/looks like a phone or card number/);
  });
});
