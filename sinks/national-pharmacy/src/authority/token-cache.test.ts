import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.ts';

describe('TokenCache', () => {
  it('logs in once for many concurrent callers, and once more for a storm of 401s on the same token', async () => {
    let logins = 0;
    const reasons: string[] = [];
    const cache = new TokenCache(
      async () => {
        logins++;
        await new Promise((r) => setTimeout(r, 5));
        return { token: `T${logins}`, tokenType: 'Bearer' };
      },
      (reason) => reasons.push(reason),
    );
    const creds = { usr: 'u', pwd: 'p' };
    const first = await Promise.all(Array.from({ length: 20 }, () => cache.get('CS-1', creds)));
    expect(new Set(first)).toEqual(new Set(['T1']));
    const refreshed = await Promise.all(Array.from({ length: 20 }, () => cache.refresh('CS-1', creds, 'T1')));
    expect(new Set(refreshed)).toEqual(new Set(['T2']));
    // A late 401 with the old token does not log in again.
    expect(await cache.refresh('CS-1', creds, 'T1')).toBe('T2');
    expect(reasons).toEqual(['initial', 'unauthorized']);
    expect(await cache.get('CS-2', creds)).toBe('T3');
  });
  it('a failed login is not cached', async () => {
    let calls = 0;
    const cache = new TokenCache(async () => {
      calls++;
      if (calls === 1) throw new Error('down');
      return { token: 'ok', tokenType: 'Bearer' };
    });
    await expect(cache.get('A', { usr: 'u', pwd: 'p' })).rejects.toThrow('down');
    expect(await cache.get('A', { usr: 'u', pwd: 'p' })).toBe('ok');
  });
});
