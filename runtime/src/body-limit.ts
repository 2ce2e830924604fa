import type { Request, RequestHandler, Response } from 'express';
import { AppError } from './errors.ts';
import { sendError, type HttpErrorPolicy } from './http-errors.ts';
import type { Logger } from './logger.ts';

/** Set on a response this guard answered, so the body parser's late error is not logged as a failure. */
export const BODY_LIMIT_REFUSED = 'bodyLimitRefused';

/**
 * How long the connection stays open after the 413, reading and dropping what the client is still
 * sending: closing at once makes the client's next write fail (EPIPE) before it reads the answer,
 * so it would never learn why. Bounded in time, never in memory.
 */
const LINGER_MS = 1_000;

/**
 * Refuses a request body larger than maxBytes with 413 and the catalogue's error body, without
 * keeping it: a declared Content-Length above the limit is answered at once; a chunked body is
 * counted as the HTTP parser delivers it (req.push, so nothing is consumed ahead of the route's
 * own parser) and answered as soon as it passes the limit. What arrives after that is dropped and
 * the connection closed shortly after the answer. body-parser alone reads the whole body to its end
 * before answering: 50 MB from a slow client would hold the connection as long as it likes.
 * Mount it first; routes' own, smaller limits (express.json({limit})) still apply below it.
 */
export interface BodyLimitOptions {
  logger?: Logger;
  policy?: HttpErrorPolicy;
  /**
   * Answers the refusal another way than the catalogue's body (the schema registry speaks
   * Confluent's `{error_code, message}`): the error carries body-parser's `type:
   * 'entity.too.large'`, `status: 413` and `limit`, so the app's own error handler maps it.
   */
  answer?: (err: Error, req: Request, res: Response) => void;
}

export function bodyLimit(maxBytes: number, opts: BodyLimitOptions = {}): RequestHandler {
  return (req, res, next) => {
    let seen = 0;
    const push = req.push.bind(req);
    req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      // Refused: drop everything, the end of the body included, so no parser ever sees a truncated
      // body as complete and hands it to the route.
      if (res.locals[BODY_LIMIT_REFUSED]) return true;
      if (chunk !== null && chunk !== undefined) {
        seen += (chunk as Buffer).length;
        if (seen > maxBytes) {
          refuse(req, res, maxBytes, opts);
          return true;
        }
      }
      return push(chunk, encoding);
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      refuse(req, res, maxBytes, opts);
      return;
    }
    next();
  };
}

function refuse(req: Request, res: Response, maxBytes: number, opts: BodyLimitOptions): void {
  if (res.locals[BODY_LIMIT_REFUSED]) return;
  res.locals[BODY_LIMIT_REFUSED] = true;
  if (!res.headersSent) {
    const err = Object.assign(
      new AppError('PAYLOAD_TOO_LARGE', `the request body exceeds the ${maxBytes}-byte limit`),
      { type: 'entity.too.large', status: 413, limit: maxBytes },
    );
    if (opts.answer) opts.answer(err, req, res);
    else sendError(req, res, err, opts.logger ?? silent, opts.policy);
  }
  // The answer is out (or a route answered without reading the body, a 404): drop the rest for a
  // moment so the client can read the answer, then close, whatever it is still sending.
  const close = () => setTimeout(() => req.socket?.destroy(), LINGER_MS).unref();
  if (res.writableFinished) close();
  else res.once('finish', close);
  req.resume();
}

const silent = { error() {}, warn() {} } as unknown as Logger;
