import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { gatewayConfig } from './config.ts';
import { createIngestGateway } from './gateway.ts';

/**
 * The HTTPS ingest gateway: `PG_URL=… tsx producers/ingest-gateway/src/main.ts` (TLS terminates at
 * the load balancer in front of it). See README.md.
 */
const config = loadConfigOrExit(gatewayConfig);
const rt = createServiceRuntime('ingest-gateway', config);
const gateway = createIngestGateway({
  config,
  logger: rt.logger,
  metrics: rt.metrics,
  signal: rt.shutdown.signal,
});

rt.app.set('trust proxy', 'loopback, linklocal, uniquelocal');
rt.app.use(gateway.router);
rt.health.addCheck('gateway', () => gateway.readiness());
// serve(isApi) stops accepting and lets in-flight requests finish in phase stop-intake; only then
// does the producer (after its send in flight) and the pool close.
rt.shutdown.onShutdown('kafka producer and database pool', () => gateway.close(), 'close');
// Served before start(): /healthz answers while the gateway waits for its database or registry,
// and the API answers 503 (retriable) until it is ready.
await rt.serve(config.PORT, { isApi: true });

try {
  await gateway.start();
} catch (err) {
  if (!rt.shutdown.isShuttingDown) {
    rt.logger.fatal({ err }, 'ingest gateway failed to start');
    await rt.shutdown.trigger('startup failed', 1);
  }
}
