import { counter, histogram } from '@retail-stream/runtime';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';

/**
 * Requests by route template (`/v1/transactions/:id/items`, never the concrete id, so series stay
 * bounded) and status. Unmatched paths share one label for the same reason.
 */
export function requestMetrics(registry: Registry) {
  const requests = counter(registry, 'retail_pos_requests_total', 'POS API requests by route and status', [
    'route',
    'status',
  ]);
  const duration = histogram(registry, 'retail_pos_request_duration_seconds', 'POS API request duration', [
    'route',
  ]);
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? `${req.method} ${req.baseUrl}${template}` : 'unmatched';
      requests.inc({ route, status: String(res.statusCode) });
      duration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
