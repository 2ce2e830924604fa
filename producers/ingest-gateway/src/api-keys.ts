import crypto from 'node:crypto';
import type pg from 'pg';
import { STORE_ID } from '@retail-stream/schemas';

/**
 * Store API keys: `rsk_<key_id>.<secret>`.
 *
 * - key_id: 16 hex characters (64 random bits), the lookup key; not secret (logs may show it).
 * - secret: 32 random bytes as base64url (43 characters), shown once at issue and never stored.
 *
 * At rest only sha256(secret) is kept. A secret of 256 random bits cannot be guessed or
 * brute-forced from its hash, so a slow password hash (bcrypt, scrypt) would only cost CPU on
 * every request without adding protection; the comparison is constant-time anyway.
 */

export const KEY_PREFIX = 'rsk_';
const KEY_PATTERN = /^rsk_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export interface ParsedKey {
  keyId: string;
  secret: string;
}

export interface NewKey extends ParsedKey {
  /** The full key to hand to the store: printed once, never stored. */
  key: string;
  secretSha256: Buffer;
}

export function generateKey(): NewKey {
  const keyId = crypto.randomBytes(8).toString('hex');
  const secret = crypto.randomBytes(32).toString('base64url');
  return { keyId, secret, key: formatKey(keyId, secret), secretSha256: hashSecret(secret) };
}

export function formatKey(keyId: string, secret: string): string {
  return `${KEY_PREFIX}${keyId}.${secret}`;
}

/** undefined for anything that is not a well-formed key (no database lookup needed for those). */
export function parseKey(key: string): ParsedKey | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? { keyId: m[1]!, secret: m[2]! } : undefined;
}

/** The key from an `Authorization: Bearer <key>` header value. */
export function bearerKey(authorization: string | undefined): ParsedKey | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  return m ? parseKey(m[1]!) : undefined;
}

export function hashSecret(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time comparison of the presented secret's hash with the stored one. */
export function secretMatches(secret: string, storedSha256: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedSha256.length && crypto.timingSafeEqual(presented, storedSha256);
}

// ── storage (table ingest_api_keys, migrations/0001) ─────────────────────────────────────────

export interface StoredKey {
  keyId: string;
  storeId: string;
  secretSha256: Buffer;
  createdAt: Date;
  revokedAt: Date | null;
}

export type KeyInfo = Omit<StoredKey, 'secretSha256'>;

type Queryable = Pick<pg.Pool, 'query'>;

interface KeyRow {
  key_id: string;
  store_id: string;
  secret_sha256: Buffer;
  created_at: Date;
  revoked_at: Date | null;
}

const toInfo = (r: Omit<KeyRow, 'secret_sha256'>): KeyInfo => ({
  keyId: r.key_id,
  storeId: r.store_id,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export async function issueKey(db: Queryable, storeId: string): Promise<KeyInfo & { key: string }> {
  if (!STORE_ID.test(storeId)) throw new RangeError(`invalid store id '${storeId}' (expected ${STORE_ID})`);
  const k = generateKey();
  const { rows } = await db.query<KeyRow>(
    `INSERT INTO ingest_api_keys (key_id, store_id, secret_sha256) VALUES ($1, $2, $3)
     RETURNING key_id, store_id, created_at, revoked_at`,
    [k.keyId, storeId, k.secretSha256],
  );
  return { ...toInfo(rows[0]!), key: k.key };
}

/** 'revoked' now, 'already-revoked' (kept its first revocation time), or 'unknown'. */
export async function revokeKey(
  db: Queryable,
  keyId: string,
): Promise<'revoked' | 'already-revoked' | 'unknown'> {
  const revoked = await db.query(
    'UPDATE ingest_api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL',
    [keyId],
  );
  if (revoked.rowCount) return 'revoked';
  const found = await db.query('SELECT 1 FROM ingest_api_keys WHERE key_id = $1', [keyId]);
  return found.rowCount ? 'already-revoked' : 'unknown';
}

export async function listKeys(db: Queryable, storeId?: string): Promise<KeyInfo[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT key_id, store_id, created_at, revoked_at FROM ingest_api_keys
      WHERE $1::text IS NULL OR store_id = $1
      ORDER BY store_id, created_at, key_id`,
    [storeId ?? null],
  );
  return rows.map(toInfo);
}

export async function findKey(db: Queryable, keyId: string): Promise<StoredKey | undefined> {
  const { rows } = await db.query<KeyRow>(
    'SELECT key_id, store_id, secret_sha256, created_at, revoked_at FROM ingest_api_keys WHERE key_id = $1',
    [keyId],
  );
  const r = rows[0];
  return r && { ...toInfo(r), secretSha256: r.secret_sha256 };
}
