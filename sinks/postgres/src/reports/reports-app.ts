import { AppError, counter, type Logger } from '@retail-stream/runtime';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import {
  inventoryQuery,
  kpisQuery,
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
import { requireBearer } from './token-auth.ts';

export interface ReportsAppOptions {
  pool: pg.Pool;
  tokenHashes: readonly string[];
  maxRangeDays: number;
  logger: Logger;
  metrics: Registry;
}

const STATUS_BY_CODE: Record<string, number> = {
  BAD_REQUEST: 400,
  RANGE_TOO_LARGE: 400,
  UNKNOWN_STORE: 404,
  UNAUTHORIZED: 401,
};

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

  v1.use((req, res) => {
    requests.inc({ route: 'unknown', status: '404' });
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no such endpoint: ${req.path}` } });
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const status = err instanceof AppError ? (STATUS_BY_CODE[err.code] ?? (err.retriable ? 503 : 500)) : 500;
    const routeLabel = req.route?.path ? String(req.route.path) : 'unknown';
    requests.inc({ route: routeLabel, status: String(status) });
    if (status >= 500) {
      opts.logger.error({ err, path: req.path }, 'reports request failed');
      const code = status === 503 ? 'UNAVAILABLE' : 'INTERNAL';
      res.status(status).json({ error: { code, message: 'the report could not be computed; try again' } });
      return;
    }
    res.status(status).json({ error: { code: (err as AppError).code, message: (err as Error).message } });
  };
  v1.use(onError);
  app.use('/v1', v1);
}
