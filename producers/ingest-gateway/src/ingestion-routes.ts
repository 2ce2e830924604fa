import { AppError, errorCode, newTraceId, runWithTrace, type Logger } from '@retail-stream/runtime';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { checkBatchShape, checkStore } from './batch-shape.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { IngestService } from './ingest-service.ts';
import type { KeyAuthenticator } from './key-auth.ts';

export const INGEST_PATH = '/v1/ingestion/events';
export const CURSOR_PATH = '/v1/ingestion/cursor';

/** Every refusal: `{ "error": { code, message, field }, "retriable": bool }`. */
export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
  retriable: boolean;
}

export class ApiError extends AppError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly field: string | null = null,
    retriable = status >= 500,
  ) {
    super(code, message, { retriable });
  }
}

export interface IngestionRoutesDeps {
  auth: KeyAuthenticator;
  ingest: IngestService;
  metrics: GatewayMetrics;
  logger: Logger;
  maxBodyBytes: number;
  maxEvents: number;
  /** undefined when the gateway can take requests; else why not (answered 503, retriable). */
  notReady: () => string | undefined;
}

interface Authenticated {
  storeId: string;
  keyId: string;
}

/** Trace ids the gateway adopts from callers: W3C-sized hex, so they cannot smuggle anything into logs. */
const TRACE_ID = /^[0-9a-f]{16,64}$/i;

/**
 * POST /v1/ingestion/events and GET /v1/ingestion/cursor. Order of checks, each answering before
 * the next runs: ready (503) → API key (401) → body size and JSON (413/400) → shape and count
 * (400/413) → every event of the key's store (403) → per-event processing (200 with results).
 */
export function ingestionRoutes(deps: IngestionRoutesDeps): Router {
  const { auth, ingest, metrics, logger } = deps;
  const router = Router();

  router.use('/v1/ingestion', (req, res, next) => {
    const started = process.hrtime.bigint();
    const header = req.get('x-trace-id');
    const traceId = header && TRACE_ID.test(header) ? header.toLowerCase() : newTraceId();
    res.setHeader('x-trace-id', traceId);
    res.once('finish', () => {
      metrics.requests.inc({ status: String(res.statusCode) });
      metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    });
    runWithTrace(traceId, () => next());
  });

  const ready = (_req: Request, _res: Response, next: NextFunction) => {
    const why = deps.notReady();
    next(why === undefined ? undefined : new ApiError(503, 'NOT_READY', why));
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const result = await auth.authenticate(req.get('authorization')).catch((err: unknown) => {
      throw new ApiError(503, 'AUTH_UNAVAILABLE', `API keys cannot be checked now: ${errorCode(err)}`);
    });
    if (!result.ok) {
      metrics.authFailures.inc({ reason: result.reason });
      logger.warn({ reason: result.reason, ip: req.ip }, 'ingestion request refused: API key');
      res.setHeader('WWW-Authenticate', 'Bearer realm="retail-stream ingestion"');
      // One answer for every reason: a caller learns nothing about which keys exist.
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        'missing, unknown, revoked or malformed API key (Authorization: Bearer rsk_…)',
      );
    }
    res.locals.auth = { storeId: result.storeId, keyId: result.keyId } satisfies Authenticated;
    next();
  };

  const json = express.json({ limit: deps.maxBodyBytes, type: ['application/json', 'application/*+json'] });

  router.post(INGEST_PATH, ready, authenticate, json, async (req: Request, res: Response) => {
    const { storeId, keyId } = res.locals.auth as Authenticated;
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the batch as Content-Type: application/json');
    }
    const shape = checkBatchShape(req.body, deps.maxEvents);
    if (!shape.ok) throw refusalError(shape.refusal);
    metrics.batchEvents.observe(shape.events.length);
    const mismatch = checkStore(shape.events, storeId);
    if (mismatch) {
      logger.warn(
        { store_id: storeId, key_id: keyId, field: mismatch.field },
        'batch refused: event of another store',
      );
      throw refusalError(mismatch);
    }
    const started = performance.now();
    const outcome = await ingest.ingest(storeId, shape.events);
    for (const [result, n] of Object.entries(outcome.counts)) if (n > 0) metrics.events.inc({ result }, n);
    const firstError = outcome.results.find((r) => r.status === 'error');
    logger.info(
      {
        store_id: storeId,
        key_id: keyId,
        events: shape.events.length,
        ...outcome.counts,
        last_seq: outcome.lastSeq,
        first_error: firstError?.error?.code,
        ms: Math.round(performance.now() - started),
      },
      'batch processed',
    );
    res.status(200).json({
      store_id: storeId,
      last_seq: outcome.lastSeq,
      ...outcome.counts,
      results: outcome.results,
    });
  });

  router.get(CURSOR_PATH, ready, authenticate, async (_req: Request, res: Response) => {
    const { storeId } = res.locals.auth as Authenticated;
    res.json({ store_id: storeId, last_seq: await ingest.cursor(storeId) });
  });

  router.use('/v1/ingestion', (req: Request, _res: Response, next: NextFunction) =>
    next(
      new ApiError(
        req.path === '/events' || req.path === '/cursor' ? 405 : 404,
        'NOT_FOUND',
        `no route ${req.method} ${req.originalUrl}`,
      ),
    ),
  );
  router.use('/v1/ingestion', errorHandler(logger));
  return router;
}

function refusalError(r: { status: number; code: string; message: string; field: string | null }): ApiError {
  return new ApiError(r.status, r.code, r.message, r.field);
}

/** body-parser's own errors (too large, bad JSON, bad charset) as API errors. */
function fromBodyParser(err: unknown): ApiError | undefined {
  const e = err as { type?: unknown; status?: unknown; limit?: unknown };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return new ApiError(
        413,
        'PAYLOAD_TOO_LARGE',
        `the body exceeds the ${String(e.limit)}-byte limit; send smaller batches`,
      );
    case 'entity.parse.failed':
      return new ApiError(400, 'INVALID_JSON', 'the body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ApiError(
        415,
        'UNSUPPORTED_ENCODING',
        'the body must be UTF-8 JSON (gzip, deflate or identity)',
      );
    default:
      return e.status >= 400 && e.status < 500
        ? new ApiError(e.status, 'BAD_REQUEST', 'the body was refused')
        : undefined;
  }
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const parsed = fromBodyParser(err);
  if (parsed) return parsed;
  if (err instanceof AppError) {
    if (err.code === 'KAFKA_MESSAGE_TOO_LARGE')
      return new ApiError(413, err.code, `${err.message}; send smaller batches`);
    if (err.retriable)
      return new ApiError(503, err.code, `temporarily unavailable (${err.code}); retry the same batch`);
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
}

function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const api = toApiError(err);
    if (res.headersSent) {
      logger.error({ err, path: req.path }, 'error after the response started');
      return;
    }
    if (api.status >= 500) {
      // Our own refusals (NOT_READY, …) are expected states: no stack. Anything mapped from a
      // failure below keeps its cause for the log.
      const fields =
        err instanceof ApiError ? { code: api.code, reason: api.message } : { err, code: api.code };
      logger[api.code === 'INTERNAL' ? 'error' : 'warn'](
        { ...fields, path: req.path },
        'ingestion request failed',
      );
    }
    if (api.status === 503) res.setHeader('Retry-After', '1');
    const body: ErrorBody = {
      error: { code: api.code, message: api.message, field: api.field },
      retriable: api.retriable,
    };
    res.status(api.status).json(body);
  };
}
