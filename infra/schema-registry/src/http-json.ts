import type { RequestHandler, Response } from 'express';
import { RegistryError } from './errors.ts';

/** What Confluent answers with; clients also accept plain JSON, but tools that sniff the type expect this. */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Request types Confluent accepts; anything else with a body is 415 there too. */
export const ACCEPTED_BODY_TYPES = [
  REGISTRY_CONTENT_TYPE,
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
];

export const MAX_BODY = '1mb';
/** MAX_BODY in bytes, for the runtime's unread-body guard (body-limit.ts). */
export const MAX_BODY_BYTES = 1024 * 1024;

export function sendJson(res: Response, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body));
}

/** A Buffer body keeps express from appending "; charset=utf-8", which Confluent does not send. */
export function sendRaw(res: Response, status: number, json: string): void {
  res.status(status).type(REGISTRY_CONTENT_TYPE).send(Buffer.from(json));
}

/** Without this a form-encoded or text body would reach the handlers as "no body" and get a confusing 422. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(ACCEPTED_BODY_TYPES)) {
    next(
      new RegistryError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type '${req.get('content-type') ?? '(none)'}' is not supported; send JSON as ${REGISTRY_CONTENT_TYPE} or application/json`,
      ),
    );
    return;
  }
  next();
};
