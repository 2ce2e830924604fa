import type { RequestHandler } from 'express';
import { AppError } from './errors.ts';
import { BasicAuthVerifier, bearerMatches, isLoopbackHost, type BasicUser } from './http-credentials.ts';
import { httpErrorOf } from './http-errors.ts';

/**
 * Express guards for our own small HTTP surfaces (dashboard, simulator and store-host control).
 * They answer the refusal themselves in the one error body (`{"error": {code, message}}`), so they
 * work in front of routers that have no error middleware of their own.
 */

function refuse(res: Parameters<RequestHandler>[1], err: AppError, challenge: string): void {
  const answer = httpErrorOf(err);
  res.setHeader('WWW-Authenticate', challenge);
  res.status(answer.status).json(answer.body);
}

/** `Authorization: Bearer <token>` whose SHA-256 is one of `hashesHex`, else 401 CONTROL_TOKEN_REQUIRED. */
export function requireControlToken(hashesHex: readonly string[], realm: string): RequestHandler {
  return (req, res, next) => {
    if (bearerMatches(req.get('authorization'), hashesHex)) return next();
    refuse(
      res,
      new AppError('CONTROL_TOKEN_REQUIRED', `a valid bearer token is required (${realm})`),
      `Bearer realm="${realm}"`,
    );
  };
}

/** HTTP basic auth against `users` (the browser asks for the login), else 401 DASHBOARD_LOGIN_REQUIRED. */
export function requireLogin(users: readonly BasicUser[], realm: string): RequestHandler {
  const verifier = new BasicAuthVerifier(users);
  return (req, res, next) => {
    if (verifier.verify(req.get('authorization')) !== undefined) return next();
    refuse(
      res,
      new AppError('DASHBOARD_LOGIN_REQUIRED', 'log in to see the dashboard'),
      `Basic realm="${realm}", charset="UTF-8"`,
    );
  };
}

/**
 * The startup rule of every surface with optional credentials: bound to loopback it may run open
 * (only this machine reaches it); anywhere else it refuses to start without them.
 */
export function assertCredentialsOffLoopback(host: string, configured: boolean, setting: string): void {
  if (configured || isLoopbackHost(host)) return;
  throw new AppError(
    'HTTP_AUTH_NOT_CONFIGURED',
    `HTTP_HOST is ${host}, not loopback, and ${setting} is not set: refusing to serve without authentication`,
  );
}
