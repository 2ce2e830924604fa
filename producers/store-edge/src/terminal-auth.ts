import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Refusal } from './refusal.ts';

export const TERMINAL_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface TerminalToken {
  terminalId: string;
  /** sha256 of the bearer token, lower-case hex. */
  tokenSha256: string;
}

/** One `terminal_id:sha256hex` entry of EDGE_TERMINAL_TOKENS; a message for the config error otherwise. */
export function parseTerminalTokenEntry(entry: string): TerminalToken | string {
  const m = /^([^:]+):([0-9a-fA-F]{64})$/.exec(entry);
  // Never echo the part after the colon: a misconfigured entry may hold a raw token.
  if (!m)
    return `entry for '${entry.split(':')[0]!.slice(0, 64)}' is not terminal_id:<64 hex chars of sha256(token)>`;
  if (!TERMINAL_ID.test(m[1]!)) return `terminal id '${m[1]}' must match ${TERMINAL_ID}`;
  return { terminalId: m[1]!, tokenSha256: m[2]!.toLowerCase() };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Resolves the terminal behind an Authorization header. Config holds only hashes, so a leaked
 * config file does not leak tokens; the lookup compares hashes of the presented token, which
 * reveals nothing about a stored token through timing.
 */
export function authenticateTerminal(
  authorization: string | undefined,
  byHash: ReadonlyMap<string, string>,
): string | undefined {
  const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization ?? '');
  if (!m) return undefined;
  return byHash.get(hashToken(m[1]!));
}

export function tokenIndex(tokens: readonly TerminalToken[]): Map<string, string> {
  return new Map(tokens.map((t) => [t.tokenSha256, t.terminalId]));
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireTerminal: the terminal named by the bearer token (never taken from the body). */
    terminalId?: string;
    /** Set instead of terminalId for a monitor token (read-only: GET /v1/sync/status only). */
    monitorId?: string;
  }
}

/**
 * What a monitor token (EDGE_MONITOR_TOKENS, e.g. the HQ dashboard's) may do: read the sync
 * status, nothing else. Matched on the path inside /v1, so no route added later is open to it.
 */
const MONITOR_ROUTES = new Set(['GET /sync/status']);

/**
 * Every /v1 route needs a terminal token; a monitor token is accepted only on MONITOR_ROUTES and
 * answers 403 anywhere else (it authenticated, it is just not allowed), so it can never sell.
 */
export function requireTerminal(tokens: readonly TerminalToken[], monitors: readonly TerminalToken[] = []) {
  const byHash = tokenIndex(tokens);
  const monitorsByHash = tokenIndex(monitors);
  return (req: Request, res: Response, next: NextFunction): void => {
    const authorization = req.get('authorization');
    const terminalId = authenticateTerminal(authorization, byHash);
    if (terminalId) {
      req.terminalId = terminalId;
      next();
      return;
    }
    const monitorId = authenticateTerminal(authorization, monitorsByHash);
    if (monitorId) {
      if (!MONITOR_ROUTES.has(`${req.method} ${req.path}`)) {
        next(new Refusal('MONITOR_SCOPE_FORBIDDEN', 'a monitor token may only read GET /v1/sync/status'));
        return;
      }
      req.monitorId = monitorId;
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="store-edge"');
    next(new Refusal('UNAUTHENTICATED', 'a valid terminal bearer token is required'));
  };
}
