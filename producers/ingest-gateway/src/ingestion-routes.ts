import {
  bodyLimit,
  AppError,
  errorCode,
  errorMiddleware,
  currentTraceId,
  traceRequests,
  STORE_EPOCH_HTTP_HEADER,
  type ErrorBody,
  type Logger,
} from '@retail-stream/runtime';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { checkBatchShape, checkStore, type BatchRefusal } from './batch-shape.ts';
import { checkCustomerRefs } from './customer-ref-check.ts';
import { epochOfRequest } from './epoch-cursor.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { IngestService } from './ingest-service.ts';
import type { KeyAuthenticator } from './key-auth.ts';

export const INGEST_PATH = '/v1/ingestion/events';
export const CURSOR_PATH = '/v1/ingestion/cursor';

/**
 * Every refusal: `{ "error": { code, message, field }, "retriable": bool }` with the status of the
 * code in the catalogue (runtime/src/http-errors.ts); a retriable failure below (Kafka, Postgres)
 * is a 503 with its code, so the relay resends the same batch.
 */
export type { ErrorBody };

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

/**
 * POST /v1/ingestion/events and GET /v1/ingestion/cursor. Order of checks, each answering before
 * the next runs: body over the limit (413, unread) → ready (503) → API key (401) → body size and
 * JSON (413/400) → shape and count (400/413) → every event of the key's store (403) → customer_ref
 * a pseudonym (400) → per-event processing (200 with results).
 */
export function ingestionRoutes(deps: IngestionRoutesDeps): Router {
  const { auth, ingest, metrics, logger } = deps;
  const router = Router();

  // The request's W3C trace context (the caller's traceparent, or a new trace; already set when the
  // app is the service runtime's): its log lines carry it, and so do the Kafka records it writes.
  const traced = traceRequests('ingest-gateway');
  router.use('/v1/ingestion', (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      metrics.requests.inc({ status: String(res.statusCode) });
      metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    });
    traced(req, res, () => {
      res.setHeader('x-trace-id', currentTraceId()!);
      next();
    });
  });

  const ready = (_req: Request, _res: Response, next: NextFunction) => {
    const why = deps.notReady();
    next(why === undefined ? undefined : new AppError('NOT_READY', why));
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const result = await auth.authenticate(req.get('authorization')).catch((err: unknown) => {
      throw new AppError('AUTH_UNAVAILABLE', `API keys cannot be checked now: ${errorCode(err)}`);
    });
    if (!result.ok) {
      metrics.authFailures.inc({ reason: result.reason });
      logger.warn({ reason: result.reason, ip: req.ip }, 'ingestion request refused: API key');
      res.setHeader('WWW-Authenticate', 'Bearer realm="retail-stream ingestion"');
      // One answer for every reason: a caller learns nothing about which keys exist.
      throw new AppError(
        'UNAUTHORIZED',
        'missing, unknown, revoked or malformed API key (Authorization: Bearer rsk_…)',
      );
    }
    res.locals.auth = { storeId: result.storeId, keyId: result.keyId } satisfies Authenticated;
    next();
  };

  const json = express.json({ limit: deps.maxBodyBytes, type: ['application/json', 'application/*+json'] });

  // Before anything else: a body over the limit is answered 413 unread and the connection closed
  // (runtime body-limit.ts), so neither an anonymous caller nor a key holder can stream 50 MB in.
  const sizeGuard = bodyLimit(deps.maxBodyBytes, {
    logger,
    policy: { withRetriable: true, retriableAsUnavailable: true },
  });

  router.post(INGEST_PATH, sizeGuard, ready, authenticate, json, async (req: Request, res: Response) => {
    const { storeId, keyId } = res.locals.auth as Authenticated;
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the batch as Content-Type: application/json');
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
    const notPseudonym = checkCustomerRefs(shape.events);
    if (notPseudonym) {
      logger.warn(
        { store_id: storeId, key_id: keyId, field: notPseudonym.field, code: notPseudonym.code },
        'batch refused: customer_ref is not a pseudonym',
      );
      throw refusalError(notPseudonym);
    }
    const started = performance.now();
    const outcome = await ingest.ingest(
      storeId,
      shape.events,
      epochOfRequest(req.get(STORE_EPOCH_HTTP_HEADER)),
    );
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

  router.get(CURSOR_PATH, ready, authenticate, async (req: Request, res: Response) => {
    const { storeId } = res.locals.auth as Authenticated;
    res.json({
      store_id: storeId,
      last_seq: await ingest.cursor(storeId, epochOfRequest(req.get(STORE_EPOCH_HTTP_HEADER))),
    });
  });

  router.use('/v1/ingestion', (req: Request, _res: Response, next: NextFunction) =>
    next(
      req.path === '/events' || req.path === '/cursor'
        ? new AppError('METHOD_NOT_ALLOWED', `no route ${req.method} ${req.originalUrl}`)
        : new AppError('NOT_FOUND', `no route ${req.method} ${req.originalUrl}`),
    ),
  );
  router.use('/v1/ingestion', errorMiddleware(logger, { withRetriable: true, retriableAsUnavailable: true }));
  return router;
}

function refusalError(r: BatchRefusal): AppError {
  return new AppError(r.code, r.message, { field: r.field });
}
