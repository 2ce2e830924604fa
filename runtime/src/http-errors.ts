import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError, errorEntry } from './errors/index.ts';
import type { Logger } from './logger.ts';

/**
 * The one JSON error body of our HTTP APIs: `{"error": {"code", "message", "field"}}`, plus
 * `"retriable"` where the API promises it (the ingest gateway: the relay reads it).
 */
export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
  retriable?: boolean;
}

export interface HttpErrorPolicy {
  /** Adds `"retriable": bool` beside `error`. */
  withRetriable?: boolean;
  /**
   * How a retriable AppError whose code has no HTTP status of its own (a database or broker outage
   * under the route) is answered: true → 503 with its code and "retry" (the ingest gateway, whose
   * clients resend); false (default) → 500 INTERNAL like any unexpected failure.
   */
  retriableAsUnavailable?: boolean;
}

export interface HttpErrorAnswer {
  status: number;
  body: ErrorBody;
  /** How to log it: not at all (a client's mistake), as an expected outage, or as a failure with its stack. */
  log: 'none' | 'warn' | 'error';
}

/**
 * body-parser signals its failures with a `type` string and a 4xx status; they are all the
 * client's doing, so they become catalogue codes here, once for every API.
 */
export function bodyParserError(err: unknown): AppError | undefined {
  const e = err as { type?: unknown; status?: unknown; limit?: unknown } | null;
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', `the request body exceeds the ${String(e.limit)}-byte limit`);
    case 'entity.parse.failed':
      return new AppError('INVALID_JSON', 'the request body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(
        'UNSUPPORTED_ENCODING',
        'the request body must be UTF-8 JSON (identity, gzip or deflate encoded)',
      );
    default:
      // Aborted or size-mismatched bodies: body-parser's other 4xx refusals.
      return e.status >= 400 && e.status < 500
        ? new AppError('BAD_REQUEST', 'the request body was refused')
        : undefined;
  }
}

/**
 * What to answer for any error a route raised: an AppError whose code has an HTTP status in the
 * catalogue is answered with that status, its message and field; body-parser's errors likewise;
 * anything else is a 500 INTERNAL without internals (the log has them).
 */
export function httpErrorOf(err: unknown, policy: HttpErrorPolicy = {}): HttpErrorAnswer {
  const app = err instanceof AppError ? err : bodyParserError(err);
  const listed = app ? errorEntry(app.code).http : undefined;
  let status: number;
  let error: ErrorBody['error'];
  let retriable = false;
  let log: HttpErrorAnswer['log'];
  // A 500 never carries internals, whatever code it was raised with.
  if (app && listed !== undefined && listed !== 500) {
    status = listed;
    error = { code: app.code, message: app.message, field: app.field };
    retriable = app.retriable;
    log = status < 500 ? 'none' : 'warn';
  } else if (app?.retriable && policy.retriableAsUnavailable) {
    status = 503;
    error = {
      code: app.code,
      message: `temporarily unavailable (${app.code}); retry the same request`,
      field: null,
    };
    retriable = true;
    log = 'warn';
  } else {
    status = 500;
    error = { code: 'INTERNAL', message: 'internal error', field: null };
    log = 'error';
  }
  const body: ErrorBody = policy.withRetriable ? { error, retriable } : { error };
  return { status, body, log };
}

/** Answers `err` on `res` (see httpErrorOf) and logs what an operator should see. */
export function sendError(
  req: Request,
  res: Response,
  err: unknown,
  logger: Logger,
  policy: HttpErrorPolicy = {},
): void {
  if (res.headersSent) {
    // The body-limit guard answered 413 and closed the connection: the parser's abort is expected.
    if (res.locals?.bodyLimitRefused) return;
    logger.error({ err, path: req.path }, 'error after the response started');
    return;
  }
  const answer = httpErrorOf(err, policy);
  const where = { method: req.method, path: req.path, code: answer.body.error.code };
  // Our own refusals (NOT_READY, …) are expected states: no stack; anything else keeps its cause.
  const expected = err instanceof AppError && errorEntry(err.code).http !== undefined;
  if (answer.log === 'error') logger.error({ err, ...where }, 'request failed');
  else if (answer.log === 'warn')
    logger.warn(
      expected ? { ...where, reason: answer.body.error.message } : { err, ...where },
      'request failed',
    );
  if (answer.status === 503) res.setHeader('Retry-After', '1');
  res.status(answer.status).json(answer.body);
}

/** The last middleware of an API: every error becomes the one error body (see sendError). */
export function errorMiddleware(logger: Logger, policy: HttpErrorPolicy = {}): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => sendError(req, res, err, logger, policy);
}
