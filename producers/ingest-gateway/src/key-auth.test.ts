import { describe, expect, it } from 'vitest';
import {
  bearerKey,
  formatKey,
  generateKey,
  hashSecret,
  parseKey,
  secretMatches,
  type StoredKey,
} from './api-keys.ts';
import { KeyAuthenticator } from './key-auth.ts';

describe('API key format', () => {
  it('generates rsk_<16 hex>.<43 base64url> with a 256-bit secret, parseable back', () => {
    const k = generateKey();
    expect(k.key).toMatch(/^rsk_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(k.secret, 'base64url')).toHaveLength(32);
    expect(parseKey(k.key)).toEqual({ keyId: k.keyId, secret: k.secret });
    expect(k.secretSha256.equals(hashSecret(k.secret))).toBe(true);
    expect(generateKey().key).not.toBe(k.key);
  });

  it('refuses anything else', () => {
    const k = generateKey();
    for (const bad of [
      '',
      'rsk_',
      k.key.slice(0, -1),
      `${k.key}x`,
      k.key.replace('rsk_', 'rk_'),
      k.key.toUpperCase(),
      ` ${k.key}`,
    ]) {
      expect(parseKey(bad)).toBeUndefined();
    }
  });

  it('reads Bearer headers', () => {
    const k = generateKey();
    expect(bearerKey(`Bearer ${k.key}`)).toEqual({ keyId: k.keyId, secret: k.secret });
    expect(bearerKey(`bearer  ${k.key}`)).toBeDefined();
    expect(bearerKey(`Basic ${k.key}`)).toBeUndefined();
    expect(bearerKey(k.key)).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
  });

  it('compares secrets through their hashes', () => {
    const k = generateKey();
    expect(secretMatches(k.secret, k.secretSha256)).toBe(true);
    expect(secretMatches(generateKey().secret, k.secretSha256)).toBe(false);
    expect(secretMatches(k.secret, Buffer.alloc(3))).toBe(false);
  });
});

describe('KeyAuthenticator', () => {
  function setup(opts: { ttlMs?: number; maxEntries?: number } = {}) {
    const k = generateKey();
    const stored = new Map<string, StoredKey>([
      [
        k.keyId,
        {
          keyId: k.keyId,
          storeId: 's001',
          secretSha256: k.secretSha256,
          createdAt: new Date(),
          revokedAt: null,
        },
      ],
    ]);
    let now = 1_000;
    const lookups: string[] = [];
    const auth = new KeyAuthenticator(
      async (keyId) => {
        lookups.push(keyId);
        return stored.get(keyId);
      },
      { ttlMs: opts.ttlMs ?? 1_000, maxEntries: opts.maxEntries ?? 100, now: () => now },
    );
    return { k, stored, auth, lookups, tick: (ms: number) => (now += ms) };
  }

  it('resolves a valid key to its store', async () => {
    const { k, auth } = setup();
    expect(await auth.authenticate(`Bearer ${k.key}`)).toEqual({ ok: true, keyId: k.keyId, storeId: 's001' });
  });

  it('says why a key is refused', async () => {
    const { k, auth, stored } = setup();
    expect(await auth.authenticate(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(await auth.authenticate('Bearer nope')).toEqual({ ok: false, reason: 'malformed' });
    expect(await auth.authenticate(`Bearer ${generateKey().key}`)).toEqual({ ok: false, reason: 'unknown' });
    const wrong = formatKey(k.keyId, generateKey().secret);
    expect(await auth.authenticate(`Bearer ${wrong}`)).toEqual({ ok: false, reason: 'wrong-secret' });
    const revoked = generateKey();
    stored.set(revoked.keyId, {
      keyId: revoked.keyId,
      storeId: 's1',
      secretSha256: revoked.secretSha256,
      createdAt: new Date(),
      revokedAt: new Date(),
    });
    expect(await auth.authenticate(`Bearer ${revoked.key}`)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('caches lookups for the TTL (revocation takes effect after it), misses too', async () => {
    const { k, auth, stored, lookups, tick } = setup({ ttlMs: 1_000 });
    await auth.authenticate(`Bearer ${k.key}`);
    stored.set(k.keyId, { ...stored.get(k.keyId)!, revokedAt: new Date() });
    tick(999);
    expect((await auth.authenticate(`Bearer ${k.key}`)).ok).toBe(true);
    tick(1);
    expect(await auth.authenticate(`Bearer ${k.key}`)).toEqual({ ok: false, reason: 'revoked' });
    expect(lookups).toEqual([k.keyId, k.keyId]);

    const unknown = generateKey();
    await auth.authenticate(`Bearer ${unknown.key}`);
    await auth.authenticate(`Bearer ${unknown.key}`);
    expect(lookups.filter((id) => id === unknown.keyId)).toHaveLength(1);
  });

  it('shares one lookup between concurrent requests and stays within maxEntries', async () => {
    const { k, auth, lookups } = setup({ maxEntries: 3 });
    await Promise.all(Array.from({ length: 5 }, () => auth.authenticate(`Bearer ${k.key}`)));
    expect(lookups).toHaveLength(1);
    for (let i = 0; i < 10; i++) await auth.authenticate(`Bearer ${generateKey().key}`);
    expect(auth.size).toBe(3);
  });

  it('ttl 0 disables caching; lookup failures propagate', async () => {
    const { k, auth, lookups } = setup({ ttlMs: 0 });
    await auth.authenticate(`Bearer ${k.key}`);
    await auth.authenticate(`Bearer ${k.key}`);
    expect(lookups).toHaveLength(2);
    const failing = new KeyAuthenticator(() => Promise.reject(new Error('db down')), {
      ttlMs: 1_000,
      maxEntries: 10,
    });
    await expect(failing.authenticate(`Bearer ${k.key}`)).rejects.toThrow('db down');
  });
});
