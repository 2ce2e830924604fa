import type { RequestHandler } from 'express';
import { BasicAuthVerifier, type BasicUser } from '@retail-stream/runtime';
import { RegistryError } from './errors.ts';
import { parseFlags } from './request-schemas.ts';

export interface RegistryAuthOptions {
  /** Empty: no authentication (loopback only; config.ts refuses an open registry elsewhere). */
  users: readonly BasicUser[];
  /** Also require credentials for reads. */
  reads: boolean;
}

/**
 * POSTs that only read: a subject lookup and the compatibility checks. Everything else that is not
 * GET/HEAD changes the registry (register, config, mode, deletes) or is unknown, and needs a user.
 */
const READ_ONLY_POST = [
  /^\/subjects\/[^/]+\/?$/,
  /^\/compatibility\/subjects\/[^/]+\/versions(\/[^/]+)?\/?$/,
];

function isRead(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  return method === 'POST' && READ_ONLY_POST.some((re) => re.test(path));
}

/**
 * Confluent-style HTTP basic auth: 401 `{error_code: 401, message}` and a `WWW-Authenticate`
 * challenge, before the body is even parsed, so an unauthenticated request changes nothing.
 */
export function requireCredentials(options: RegistryAuthOptions): RequestHandler {
  const verifier = new BasicAuthVerifier(options.users);
  return (req, res, next) => {
    if (!verifier.enabled || (!options.reads && isRead(req.method, req.path))) return next();
    if (verifier.verify(req.get('authorization')) !== undefined) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="SchemaRegistry"');
    next(new RegistryError('REGISTRY_UNAUTHENTICATED', 'Unauthorized'));
  };
}

/** `DELETE …?permanent=true` is refused (403, 40301) unless the registry's config enables it. */
export function permanentDeleteGuard(allowed: boolean): RequestHandler {
  return (req, _res, next) => {
    if (allowed || req.method !== 'DELETE' || !parseFlags(req.query).permanent) return next();
    next(
      new RegistryError(
        'REGISTRY_PERMANENT_DELETE_DISABLED',
        'Permanent deletes are disabled on this registry (SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE)',
      ),
    );
  };
}
