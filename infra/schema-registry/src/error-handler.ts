import type { ErrorRequestHandler, RequestHandler } from 'express';
import { RegistryError, registryErrorCodes } from './errors.ts';
import { MAX_BODY, sendJson } from './http-json.ts';
import type { Logger } from '@retail-stream/runtime';

export const routeNotFound: RequestHandler = (_req, _res, next) => {
  next(new RegistryError('ROUTE_NOT_FOUND', 'HTTP 404 Not Found'));
};

export const methodNotAllowed: RequestHandler = (_req, _res, next) => {
  next(new RegistryError('METHOD_NOT_ALLOWED', 'HTTP 405 Method Not Allowed'));
};

/**
 * The one place errors become HTTP: Confluent's `{error_code, message}` body and status. Anything
 * that is not a known client error is logged with its stack and answered as a 500 without internals.
 */
export function errorHandler(logger?: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const { status, errorCode, message } = describe(err);
    if (status >= 500) logger?.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    else logger?.debug({ method: req.method, url: req.originalUrl, errorCode, message }, 'request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, status, { error_code: errorCode, message });
  };
}

function describe(err: unknown): { status: number; errorCode: number; message: string } {
  if (err instanceof RegistryError)
    return { status: err.httpStatus, errorCode: err.confluentErrorCode, message: err.message };
  const bodyError = fromBodyParser(err);
  if (bodyError) return describe(bodyError);
  return { ...registryErrorCodes.INTERNAL, message: 'Internal server error' };
}

/** express.json() signals its failures with a `type` string; they are all the client's doing. */
function fromBodyParser(err: unknown): RegistryError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') return undefined;
  const detail = (err as Error).message;
  switch (type) {
    case 'entity.too.large':
      return new RegistryError('BODY_TOO_LARGE', `Request body is larger than the ${MAX_BODY} limit`);
    case 'entity.parse.failed':
      return new RegistryError('MALFORMED_JSON', `Request body is not valid JSON: ${detail}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new RegistryError('UNSUPPORTED_MEDIA_TYPE', detail);
    default:
      return new RegistryError('INVALID_REQUEST', `Invalid request: ${detail}`);
  }
}
