import {
  AppError,
  counter,
  httpErrorOf,
  isRetriable,
  sendError,
  TransientError,
  type Logger,
} from '@retail-stream/runtime';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import {
  inventoryQuery,
  kpisQuery,
  nationalSyncQuery,
  parseQuery,
  resolveRange,
  salesQuery,
  storesQuery,
  topProductsQuery,
  WINDOWS,
} from './report-params.ts';
import {
  assertStoreKnown,
  inventory,
  kpis,
  listStores,
  salesReport,
  status,
  topProducts,
} from './report-queries.ts';
import { nationalSyncStatus } from './national-sync-report.ts';
import { lastReconciliations } from './reconciliation-report.ts';
import { requireBearer } from './token-auth.ts';

export interface ReportsAppOptions {
  pool: pg.Pool;
  tokenHashes: readonly string[];
  maxRangeDays: number;
  /** Where the CLI records reconciliation runs (GET /v1/reconciliation); default `ops`. */
  opsSchema?: string;
  /** The national pharmacy sync's schema (GET /v1/national-sync); default `national_sync`. */
  nationalSyncSchema?: string;
  logger: Logger;
  metrics: Registry;
}

/**
 * Mounts the read-only reports API (/v1/*, documented in openapi.yaml) on an app that already has
 * the ops routes. Every /v1 request needs a bearer token; every query parameter is validated
 * before any SQL runs, and the SQL is parameterised.
 */
export function mountReports(app: Express, opts: ReportsAppOptions): void {
  const { pool, maxRangeDays } = opts;
  const requests = counter(opts.metrics, 'retail_reports_requests_total', 'Reports API requests', [
    'route',
    'status',
  ]);
  const v1 = express.Router();
  v1.use(requireBearer(opts.tokenHashes));

  const route = (path: string, handler: (req: Request) => Promise<unknown>) => {
    v1.get(path, async (req: Request, res: Response) => {
      const body = await handler(req);
      res.set('Cache-Control', 'no-store').json(body);
      requests.inc({ route: path, status: '200' });
    });
  };

  route('/stores', (req) => listStores(pool, parseQuery(storesQuery, req.query)));
  route('/status', () => status(pool));
  route('/reconciliation', () => lastReconciliations(pool, opts.opsSchema));
  route('/national-sync', (req) => {
    const q = parseQuery(nationalSyncQuery, req.query);
    return nationalSyncStatus(pool, { ...q, schema: opts.nationalSyncSchema });
  });
  route('/reports/sales', async (req) => {
    const q = parseQuery(salesQuery, req.query);
    const range = resolveRange(q, maxRangeDays);
    await assertStoreKnown(pool, q.store_id);
    return salesReport(pool, { ...q, storeId: q.store_id, range });
  });
  route('/reports/top-products', async (req) => {
    const q = parseQuery(topProductsQuery, req.query);
    const range = resolveRange(q, maxRangeDays);
    await assertStoreKnown(pool, q.store_id);
    return topProducts(pool, { ...q, storeId: q.store_id, range });
  });
  route('/reports/inventory', async (req) => {
    const q = parseQuery(inventoryQuery, req.query);
    await assertStoreKnown(pool, q.store_id);
    return inventory(pool, { ...q, storeId: q.store_id });
  });
  route('/kpis', async (req) => {
    const q = parseQuery(kpisQuery, req.query);
    const range = resolveRange(q, maxRangeDays);
    await assertStoreKnown(pool, q.store_id);
    return kpis(pool, {
      ...q,
      scope: q.store_id === undefined ? 'chain' : `store:${q.store_id}`,
      windowSize: WINDOWS[q.window],
      range,
    });
  });

  v1.use((req, _res, next) => next(new AppError('NOT_FOUND', `no such endpoint: ${req.path}`)));
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    // A database outage under a report is the client's "try again", not which part of HQ failed.
    const answer = isRetriable(err)
      ? new TransientError('UNAVAILABLE', 'the report could not be computed; try again', err)
      : err;
    const routeLabel = req.route?.path ? String(req.route.path) : 'unknown';
    requests.inc({ route: routeLabel, status: String(httpErrorOf(answer).status) });
    sendError(req, res, answer, opts.logger);
  };
  v1.use(onError);
  app.use('/v1', v1);
}
