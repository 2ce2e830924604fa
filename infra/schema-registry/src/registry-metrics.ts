import type { RequestHandler } from 'express';
import { Gauge, type Registry } from 'prom-client';
import { counter, histogram } from '@retail-stream/runtime';
import type { RegistryStore } from './registry-store.ts';

const PREFIX = 'retail_schema_registry';

/** Labels by route pattern, never by raw URL, so subject names cannot blow up label cardinality. */
export function countRequests(registry: Registry): RequestHandler {
  const requests = counter(
    registry,
    `${PREFIX}_requests_total`,
    'HTTP requests by matched route pattern and status code',
    ['route', 'status'],
  );
  const duration = histogram(
    registry,
    `${PREFIX}_request_duration_seconds`,
    'HTTP request duration by route pattern',
    ['route'],
  );
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = typeof req.route?.path === 'string' ? (req.route.path as string) : 'unmatched';
      requests.inc({ route, status: String(res.statusCode) });
      duration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/** Size of the registry, computed at scrape time so it can never drift from the store. */
export function registerStoreGauges(registry: Registry, store: RegistryStore): void {
  const gauges = [
    ['schemas', 'Distinct schema ids that still resolve (used by a live or soft-deleted version)'],
    ['subjects', 'Subjects with at least one live version'],
    ['versions', 'Live (not deleted) subject versions'],
  ] as const;
  for (const [stat, help] of gauges) {
    const name = `${PREFIX}_${stat}`;
    // A registry outlives a store when a test restarts the server on the same metrics.
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(store.stats()[stat]);
      },
    });
  }
}
