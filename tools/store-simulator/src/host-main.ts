import { assertCredentialsOffLoopback, createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { hostConfig } from './host-config.ts';
import { hostControlRoutes } from './host-routes.ts';
import { StoreHost } from './store-host.ts';

/**
 * N stores (store edge + outbox relay each) in one process:
 * `npm run host -w @retail-stream/store-simulator` (see README.md for the environment).
 */
const config = loadConfigOrExit(hostConfig);
try {
  assertCredentialsOffLoopback(
    config.HTTP_HOST,
    !!config.STORE_HOST_CONTROL_TOKEN_SHA256,
    'STORE_HOST_CONTROL_TOKEN_SHA256',
  );
} catch (err) {
  process.stderr.write(`store-host: ${(err as Error).message}\n`);
  process.exit(78); // EX_CONFIG
}
const rt = createServiceRuntime('store-host', config);

let host: StoreHost | undefined;
rt.health.addCheck('stores', () => host?.ready() ?? 'starting');
// Ops first, so /healthz answers while stores migrate their databases.
await rt.serve(config.OPS_PORT);

try {
  host = await StoreHost.start({
    config,
    logger: rt.logger,
    metrics: rt.metrics,
    signal: rt.shutdown.signal,
  });
} catch (err) {
  rt.logger.fatal({ err }, 'store host failed to start');
  await rt.shutdown.trigger('startup failed', 1);
}
const started = host;
if (started && !rt.shutdown.isShuttingDown) {
  rt.app.use(hostControlRoutes(started, { tokenSha256: config.STORE_HOST_CONTROL_TOKEN_SHA256 }));
  rt.shutdown.onShutdown(
    'store APIs: stop accepting, finish requests',
    () => started.stopIntake(),
    'stop-intake',
  );
  rt.shutdown.onShutdown('relays: finish and mark the batch in flight', () => started.drain(), 'drain');
  rt.shutdown.onShutdown('relays and store pools', () => started.close(), 'close');
  rt.logger.info(
    { stores: started.list().map((s) => ({ store_id: s.store_id, url: s.url })) },
    'store host serving',
  );
}
