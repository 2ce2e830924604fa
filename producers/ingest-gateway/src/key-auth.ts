import { bearerKey, secretMatches, type StoredKey } from './api-keys.ts';

export type KeyLookup = (keyId: string) => Promise<StoredKey | undefined>;

export interface KeyAuthOptions {
  /** How long a lookup (hit or miss) is reused; revocations and new keys take effect within it. */
  ttlMs: number;
  /** Entries kept at most (oldest dropped first), so random key ids cannot grow memory. */
  maxEntries: number;
  now?: () => number;
}

export type AuthResult =
  | { ok: true; keyId: string; storeId: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked' | 'wrong-secret' };

interface Entry {
  key: StoredKey | undefined;
  expiresAt: number;
}

/**
 * Resolves `Authorization: Bearer rsk_<key_id>.<secret>` to the key's store. Lookups by key id are
 * cached for ttlMs (misses too, so a flood of unknown ids does not reach the database each time);
 * concurrent lookups of one id share a query. The secret is checked on every request, against the
 * cached hash, in constant time. Database errors propagate (the caller answers 503).
 */
export class KeyAuthenticator {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<StoredKey | undefined>>();
  private readonly now: () => number;

  constructor(
    private readonly lookup: KeyLookup,
    private readonly opts: KeyAuthOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async authenticate(authorization: string | undefined): Promise<AuthResult> {
    if (authorization === undefined || authorization.trim() === '') return { ok: false, reason: 'missing' };
    const parsed = bearerKey(authorization);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const key = await this.find(parsed.keyId);
    if (!key) return { ok: false, reason: 'unknown' };
    // Checked before revocation, so a revoked key's id alone does not tell anyone it existed.
    if (!secretMatches(parsed.secret, key.secretSha256)) return { ok: false, reason: 'wrong-secret' };
    if (key.revokedAt !== null) return { ok: false, reason: 'revoked' };
    return { ok: true, keyId: key.keyId, storeId: key.storeId };
  }

  /** Forget everything (tests; an operator-triggered reload could use it too). */
  clear(): void {
    this.cache.clear();
  }

  get size(): number {
    return this.cache.size;
  }

  private async find(keyId: string): Promise<StoredKey | undefined> {
    const cached = this.cache.get(keyId);
    if (cached && cached.expiresAt > this.now()) return cached.key;
    let pending = this.inflight.get(keyId);
    if (!pending) {
      pending = this.lookup(keyId)
        .then((key) => {
          this.remember(keyId, key);
          return key;
        })
        .finally(() => this.inflight.delete(keyId));
      this.inflight.set(keyId, pending);
    }
    return pending;
  }

  private remember(keyId: string, key: StoredKey | undefined): void {
    if (this.opts.ttlMs <= 0) return;
    this.cache.delete(keyId); // re-inserted last: Map order is age order
    this.cache.set(keyId, { key, expiresAt: this.now() + this.opts.ttlMs });
    while (this.cache.size > this.opts.maxEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}
