import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { storeEdgeConfig } from './config.ts';
import { startStoreEdge } from './store-edge.ts';

const config = loadConfigOrExit(storeEdgeConfig);
const runtime = createServiceRuntime('store-edge', config);

try {
  const edge = await startStoreEdge({
    config,
    logger: runtime.logger,
    metrics: runtime.metrics,
    app: runtime.app,
  });
  runtime.health.addCheck('database', () => edge.ping());
  // The HTTP server (registered by serve, phase stop-intake) finishes in-flight requests before
  // the pool closes, so no acknowledged request loses its connection mid-transaction.
  runtime.shutdown.onShutdown('background refresh', () => edge.stop(), 'flush');
  runtime.shutdown.onShutdown('postgres pool', () => edge.close(), 'close');
  await runtime.serve(config.EDGE_PORT, { isApi: true });
} catch (err) {
  runtime.logger.fatal({ err }, 'store edge failed to start');
  await runtime.shutdown.trigger('startup failed', 1);
}
