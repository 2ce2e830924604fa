import crypto from 'node:crypto';
import { AppError } from '@retail-stream/runtime';
import type { RequestHandler } from 'express';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Read-only bearer tokens, configured as SHA-256 hashes only. The presented token is hashed and
 * compared with every configured hash in constant time (no early exit), so neither the comparison
 * nor the number of hashes tried leaks how close a guess was.
 */
export function tokenMatches(authorization: string | undefined, hashesHex: readonly string[]): boolean {
  const m = BEARER.exec(authorization ?? '');
  if (!m) return false;
  const presented = crypto.createHash('sha256').update(m[1]!).digest();
  let ok = false;
  for (const hex of hashesHex) {
    const expected = Buffer.from(hex, 'hex');
    if (expected.length === presented.length && crypto.timingSafeEqual(presented, expected)) ok = true;
  }
  return ok;
}

export function sha256Hex(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function requireBearer(hashesHex: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (tokenMatches(req.headers.authorization, hashesHex)) {
      next();
      return;
    }
    // The body comes from the API's one error handler (the catalogue's 401 for UNAUTHORIZED).
    res.set('WWW-Authenticate', 'Bearer');
    next(new AppError('UNAUTHORIZED', 'a valid bearer token is required'));
  };
}
