import { describe, expect, it } from 'vitest';
import { parseAccounts } from './accounts.ts';

describe('parseAccounts', () => {
  it('reads the object and the array (fixtures pharmacyAccounts) shapes', () => {
    expect([...parseAccounts('{"CS-1":{"usr":"a","pwd":"b"}}', 'x')]).toEqual([
      ['CS-1', { usr: 'a', pwd: 'b' }],
    ]);
    expect([...parseAccounts('[{"store_id":"S1","ma_co_so":"CS-2","usr":"c","pwd":"d"}]', 'x')]).toEqual([
      ['CS-2', { usr: 'c', pwd: 'd' }],
    ]);
  });
  it('refuses bad shapes without echoing the secret', () => {
    expect(() => parseAccounts('{"CS-1":{"usr":"a","pwd":7}}', 'FILE')).toThrow(/FILE: each account/);
    try {
      parseAccounts('not json s3cret', 'FILE');
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cret');
    }
  });
});
