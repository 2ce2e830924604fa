import crypto from 'node:crypto';
import { z } from 'zod';

/**
 * Credentials of our HTTP surfaces (schema registry basic auth, dashboard login, simulator and
 * store-host control tokens). Config holds only hashes: a leaked config or environment listing does
 * not leak a password or token. Passwords are scrypt hashes (people choose them); bearer tokens are
 * generated with 128+ bits, so a SHA-256 of them is enough.
 */

const SCRYPT_KEYLEN = 32;
const SCRYPT_HASH = /^scrypt\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/;
const USER = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** True for addresses only this machine can reach; a surface bound elsewhere must authenticate. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** `scrypt$<salt>$<hash>` (base64url), the form DASHBOARD_USERS and SCHEMA_REGISTRY_AUTH_USERS hold. */
export function hashPassword(password: string, salt = crypto.randomBytes(16)): string {
  const hash = crypto.scryptSync(password, salt, SCRYPT_KEYLEN);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface BasicUser {
  username: string;
  /** `scrypt$salt$hash` */
  passwordHash: string;
}

/** `user:scrypt$…$…,user2:…` → users; never echoes the hash part of a bad entry. */
export const basicUsersList = z.string().transform((s, ctx): BasicUser[] => {
  const users: BasicUser[] = [];
  for (const entry of s
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const i = entry.indexOf(':');
    const username = i > 0 ? entry.slice(0, i) : '';
    const passwordHash = entry.slice(i + 1);
    if (!USER.test(username) || !SCRYPT_HASH.test(passwordHash)) {
      ctx.addIssue({
        code: 'custom',
        message: `entry for '${username.slice(0, 64)}' is not user:scrypt$<salt>$<hash> (see hashPassword)`,
      });
      continue;
    }
    users.push({ username, passwordHash });
  }
  if (new Set(users.map((u) => u.username)).size !== users.length) {
    ctx.addIssue({ code: 'custom', message: 'a user is listed twice' });
  }
  return users;
});

/** Comma list of SHA-256 hex digests of bearer tokens (several allow a rotation overlap). */
export const tokenHashList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[0-9a-f]{64}$/, '64 hex chars of sha256(token)')).min(1));

/**
 * Checks `Authorization: Basic …` against the users. scrypt costs ~50 ms by design, so a header
 * that verified once is remembered (by its SHA-256, at most MAX_REMEMBERED) and later requests with
 * it cost a hash lookup; a wrong password is never remembered and pays the full price each time.
 */
export class BasicAuthVerifier {
  private static readonly MAX_REMEMBERED = 64;
  private readonly byName: Map<string, string>;
  private readonly verified = new Map<string, string>();

  constructor(users: readonly BasicUser[]) {
    this.byName = new Map(users.map((u) => [u.username, u.passwordHash]));
  }

  get enabled(): boolean {
    return this.byName.size > 0;
  }

  /** The user named by a valid header, else undefined. */
  verify(authorization: string | undefined): string | undefined {
    const m = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(authorization ?? '');
    if (!m) return undefined;
    const key = sha256Hex(m[1]!);
    const known = this.verified.get(key);
    if (known !== undefined) return known;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i <= 0) return undefined;
    const username = decoded.slice(0, i);
    const stored = this.byName.get(username);
    if (!stored || !passwordMatches(decoded.slice(i + 1), stored)) return undefined;
    if (this.verified.size >= BasicAuthVerifier.MAX_REMEMBERED) this.verified.clear();
    this.verified.set(key, username);
    return username;
  }
}

function passwordMatches(password: string, stored: string): boolean {
  const m = SCRYPT_HASH.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[2]!, 'base64url');
  const actual = crypto.scryptSync(password, Buffer.from(m[1]!, 'base64url'), expected.length);
  return crypto.timingSafeEqual(actual, expected);
}

/**
 * A bearer token against SHA-256 hashes, compared in constant time over every hash (no early
 * exit), so neither timing nor the number of hashes tried tells how close a guess was.
 */
export function bearerMatches(authorization: string | undefined, hashesHex: readonly string[]): boolean {
  const m = BEARER.exec(authorization ?? '');
  if (!m) return false;
  const presented = crypto.createHash('sha256').update(m[1]!, 'utf8').digest();
  let ok = false;
  for (const hex of hashesHex) {
    const expected = Buffer.from(hex, 'hex');
    if (expected.length === presented.length && crypto.timingSafeEqual(presented, expected)) ok = true;
  }
  return ok;
}
