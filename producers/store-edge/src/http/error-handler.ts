import type { Logger } from '@retail-stream/runtime';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.ts';

export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
}

/** Maps body-parser's own errors (bad JSON, too large, wrong charset) to the API's error shape. */
function fromBodyParser(err: unknown): ApiError | undefined {
  const e = err as { type?: string; status?: number; limit?: number };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds the ${e.limit}-byte limit`);
    case 'entity.parse.failed':
      return new ApiError(400, 'INVALID_JSON', 'request body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ApiError(415, 'UNSUPPORTED_ENCODING', 'request body must be UTF-8 JSON');
    default:
      return e.status >= 400 && e.status < 500
        ? new ApiError(e.status, 'BAD_REQUEST', 'request body rejected')
        : undefined;
  }
}

export function toApiError(err: unknown): ApiError | undefined {
  return err instanceof ApiError ? err : fromBodyParser(err);
}

/** Last middleware: client errors answer with their code, anything else is a logged 500 without internals. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const api = toApiError(err);
    if (res.headersSent) {
      logger.error({ err, path: req.path }, 'error after response started');
      return;
    }
    if (api) {
      const body: ErrorBody = { error: { code: api.code, message: api.message, field: api.field } };
      res.status(api.status).json(body);
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    const body: ErrorBody = { error: { code: 'INTERNAL', message: 'internal error', field: null } };
    res.status(500).json(body);
  };
}
