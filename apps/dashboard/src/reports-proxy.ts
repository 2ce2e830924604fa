import type { Request, Response } from 'express';
import { AppError, counter, histogram, sendError, TransientError, type Logger } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';

/** Path segments the reports API has; anything else (.., encoded slashes, odd bytes) is refused here. */
const SAFE_PATH = /^[a-z0-9][a-z0-9_/-]{0,200}$/;

export interface ReportsProxyOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  logger: Logger;
  metrics: Registry;
  fetchImpl?: typeof fetch;
}

/** Maps `/api/reports/<path>?<query>` to `<reports API>/v1/<path>?<query>`; undefined for a path we refuse. */
export function upstreamUrl(baseUrl: string, path: string, query: string): string | undefined {
  if (!SAFE_PATH.test(path) || path.includes('//')) return undefined;
  return `${baseUrl}/v1/${path}${query ? `?${query}` : ''}`;
}

/**
 * GET-only pass-through to the reports API that adds the read-only bearer token, so the token never
 * reaches the browser. Upstream status and JSON body are passed on unchanged; an unreachable API
 * is a 502 the UI shows as "reports API unavailable".
 */
export function reportsProxy(opts: ReportsProxyOptions) {
  const doFetch = opts.fetchImpl ?? fetch;
  // status is the upstream's (or 502 when it does not answer); no path label: it carries store ids.
  const requests = counter(opts.metrics, 'retail_dashboard_proxy_requests_total', 'Reports API calls', [
    'status',
  ]);
  const duration = histogram(
    opts.metrics,
    'retail_dashboard_proxy_duration_seconds',
    'Reports API call duration through the dashboard proxy',
  );
  return async (req: Request, res: Response): Promise<void> => {
    const qIndex = req.originalUrl.indexOf('?');
    const query = qIndex >= 0 ? req.originalUrl.slice(qIndex + 1) : '';
    const path = (req.params as { path?: string[] }).path?.join('/') ?? '';
    const url = upstreamUrl(opts.baseUrl, path, query);
    if (!url) {
      sendError(req, res, new AppError('BAD_REQUEST', 'unknown reports path'), opts.logger);
      return;
    }
    const stopTimer = duration.startTimer();
    try {
      const upstream = await doFetch(url, {
        headers: { authorization: `Bearer ${opts.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      const body = await upstream.text();
      res
        .status(upstream.status)
        .type(upstream.headers.get('content-type') ?? 'application/json')
        .set('cache-control', 'no-store')
        .send(body);
      requests.inc({ status: String(upstream.status) });
    } catch (err) {
      requests.inc({ status: '502' });
      const down = new TransientError('REPORTS_API_UNAVAILABLE', 'the reports API does not answer', err);
      sendError(req, res, down, opts.logger);
    } finally {
      stopTimer();
    }
  };
}
