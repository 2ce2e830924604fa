import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import {
  AppError,
  counter,
  requireLogin,
  sendError,
  TransientError,
  type BasicUser,
  type Logger,
} from '@retail-stream/runtime';
import type { Registry } from 'prom-client';
import type { PipelineStatus } from './pipeline-status.ts';
import { reportsProxy } from './reports-proxy.ts';
import type { StoreBacklog } from './store-backlog.ts';

export interface DashboardAppDeps {
  app: Express;
  logger: Logger;
  metrics: Registry;
  distDir: string;
  /** Login users (basic auth) for the page and /api/*; none: open (loopback only, see main.ts). */
  users?: readonly BasicUser[];
  reports: { baseUrl: string; token: string; timeoutMs: number };
  pipeline: () => Promise<PipelineStatus>;
  storeBacklogs: () => Promise<StoreBacklog[]>;
}

/** Mounts the dashboard's /api routes and the built web app on the runtime's express app. */
export function mountDashboard(deps: DashboardAppDeps): void {
  const { app, logger } = deps;
  // Mounted after the runtime's /healthz, /readyz and /metrics, which stay open for probes.
  if (deps.users?.length) app.use(requireLogin(deps.users, 'retail-stream dashboard'));
  const pipelineFailures = counter(
    deps.metrics,
    'retail_dashboard_pipeline_failures_total',
    'Kafka admin reads for /api/pipeline that failed',
  );
  const api = express.Router();
  api.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  api.get('/reports/*path', reportsProxy({ ...deps.reports, logger, metrics: deps.metrics }));
  api.get('/pipeline', async (req: Request, res: Response) => {
    try {
      res.json(await deps.pipeline());
    } catch (err) {
      pipelineFailures.inc();
      // One catalogue code, never the driver's own: the browser needs "retry", not Kafka internals.
      const answer = new TransientError('KAFKA_ADMIN_FAILED', 'Kafka admin is not answering', err);
      sendError(req, res, answer, logger, { retriableAsUnavailable: true });
    }
  });
  api.get('/stores/backlog', async (_req: Request, res: Response) => {
    res.json({ items: await deps.storeBacklogs() });
  });
  api.use((req: Request, res: Response) => {
    sendError(req, res, new AppError('NOT_FOUND', 'no such dashboard API route'), logger);
  });
  app.use('/api', api);

  app.use(express.static(deps.distDir, { index: 'index.html', maxAge: 0 }));
  // One page: every other GET is the app itself.
  app.get('/*rest', (_req: Request, res: Response) => {
    res.sendFile(path.join(deps.distDir, 'index.html'));
  });
}
