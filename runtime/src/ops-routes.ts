import type { Express, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import type { Health } from './health.ts';

/** /metrics, /healthz and /readyz on any express app: HTTP services mount them beside their API. */
export function mountOpsRoutes(app: Express, deps: { metrics: Registry; health: Health }): void {
  app.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req: Request, res: Response) => {
    const { ready, checks } = await deps.health.readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req: Request, res: Response) => {
    res.setHeader('Content-Type', deps.metrics.contentType);
    res.send(await deps.metrics.metrics());
  });
}
