import express from 'express';
import type { Registry } from 'prom-client';
import {
  bodyLimit,
  createMetricsRegistry,
  Health,
  mountOpsRoutes,
  type Logger,
} from '@retail-stream/runtime';
import { errorHandler, routeNotFound } from './error-handler.ts';
import { ACCEPTED_BODY_TYPES, MAX_BODY, MAX_BODY_BYTES, requireJsonBody } from './http-json.ts';
import { permanentDeleteGuard, requireCredentials, type RegistryAuthOptions } from './registry-auth.ts';
import { countRequests, registerStoreGauges } from './registry-metrics.ts';
import type { RegistryStore } from './registry-store.ts';
import { routes } from './routes.ts';

export const SERVICE = 'schema-registry';

export interface AppOptions {
  store: RegistryStore;
  /** Unexpected (5xx) errors are logged here; defaults to a silent logger. */
  logger?: Logger;
  metrics?: Registry;
  /** Drives /readyz; an app without one is ready as long as it exists. */
  health?: Health;
  /** Basic-auth users; without any, the API is open (tests on loopback). */
  auth?: RegistryAuthOptions;
  /** Hard deletes are refused unless true. */
  allowPermanentDelete?: boolean;
}

/** The HTTP face of a store: ops endpoints, Confluent's API, Confluent-shaped errors. No listening here. */
export function createApp(options: AppOptions): express.Express {
  const metrics = options.metrics ?? createMetricsRegistry(SERVICE, { defaultMetrics: false });
  registerStoreGauges(metrics, options.store);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(countRequests(metrics));
  // A body over the limit is refused 413 (Confluent-shaped, by errorHandler) without being read.
  const onError = errorHandler(options.logger);
  app.use(bodyLimit(MAX_BODY_BYTES, { answer: (err, req, res) => onError(err, req, res, () => undefined) }));
  mountOpsRoutes(app, { metrics, health: options.health ?? new Health() });
  app.use(requireCredentials(options.auth ?? { users: [], reads: false }));
  app.use(permanentDeleteGuard(options.allowPermanentDelete ?? false));
  app.use(requireJsonBody);
  app.use(express.json({ limit: MAX_BODY, type: ACCEPTED_BODY_TYPES }));
  app.use(routes(options.store));
  app.use(routeNotFound);
  app.use(errorHandler(options.logger));
  return app;
}
