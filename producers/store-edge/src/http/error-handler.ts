import { errorEntry, type ErrorCode, type Logger } from '@retail-stream/runtime';
import type { NextFunction, Request, Response } from 'express';
import { Refusal } from '../refusal.ts';

export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
}

/**
 * A refusal's HTTP status: the one in its catalogue entry (the catalogue lists every code with its
 * status, so the mapping lives in one place and docs/errors.md shows it).
 */
function status(code: ErrorCode): number {
  return errorEntry(code).http ?? 500;
}

interface HttpError {
  status: number;
  body: ErrorBody;
}

const answer = (
  httpStatus: number,
  code: string,
  message: string,
  field: string | null = null,
): HttpError => ({
  status: httpStatus,
  body: { error: { code, message, field } },
});

/** Maps body-parser's own errors (bad JSON, too large, wrong charset) to the API's error shape. */
function fromBodyParser(err: unknown): HttpError | undefined {
  const e = err as { type?: string; status?: number; limit?: number };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return answer(
        status('PAYLOAD_TOO_LARGE'),
        'PAYLOAD_TOO_LARGE',
        `request body exceeds the ${e.limit}-byte limit`,
      );
    case 'entity.parse.failed':
      return answer(status('INVALID_JSON'), 'INVALID_JSON', 'request body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return answer(
        status('UNSUPPORTED_ENCODING'),
        'UNSUPPORTED_ENCODING',
        'request body must be UTF-8 JSON',
      );
    default:
      // body-parser's own 4xx status for anything else it refuses (aborted, size mismatch…).
      return e.status >= 400 && e.status < 500
        ? answer(e.status, 'BAD_REQUEST', 'request body rejected')
        : undefined;
  }
}

export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof Refusal) return answer(status(err.code), err.code, err.message, err.field);
  return fromBodyParser(err);
}

/** Last middleware: refusals answer with their code, anything else is a logged 500 without internals. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const refused = toHttpError(err);
    if (res.headersSent) {
      logger.error({ err, path: req.path }, 'error after response started');
      return;
    }
    if (refused) {
      res.status(refused.status).json(refused.body);
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    const body: ErrorBody = { error: { code: 'INTERNAL', message: 'internal error', field: null } };
    res.status(500).json(body);
  };
}
