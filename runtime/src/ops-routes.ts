import type { Express, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import type { Health } from './health.ts';
import type { Logger } from './logger.ts';

/**
 * /metrics, /healthz and /readyz on any express app: HTTP services mount them beside their API.
 * /readyz answers each check as a generic state (health.ts PublicCheckState); why a check fails
 * (database error text included) goes to the log, once per change, never to the caller.
 */
export function mountOpsRoutes(
  app: Express,
  deps: { metrics: Registry; health: Health; logger?: Logger },
): void {
  let lastLogged = '';
  app.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req: Request, res: Response) => {
    const { ready, checks, details } = await deps.health.publicReadiness();
    const failing = Object.fromEntries(Object.entries(details).filter(([, d]) => d !== 'ok'));
    const key = JSON.stringify(failing);
    // Probes come every few seconds: log a not-ready reason when it changes, not on every probe.
    if (key !== lastLogged) {
      lastLogged = key;
      if (!ready) deps.logger?.warn({ checks: failing }, 'not ready');
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req: Request, res: Response) => {
    res.setHeader('Content-Type', deps.metrics.contentType);
    res.send(await deps.metrics.metrics());
  });
}
