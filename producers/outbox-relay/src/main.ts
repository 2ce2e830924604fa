import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { relayConfig } from './config.ts';
import { startOutboxRelay, type OutboxRelayService } from './relay-service.ts';

/**
 * The outbox relay of one store: `STORE_ID=… PG_URL=… tsx producers/outbox-relay/src/main.ts`.
 * Run several per store for failover; one publishes, the others stand by (see README.md).
 */
const config = loadConfigOrExit(relayConfig);
const rt = createServiceRuntime('outbox-relay', config);
rt.metrics.setDefaultLabels({ service: rt.service, store_id: config.STORE_ID });

let service: OutboxRelayService | undefined;
rt.health.addCheck('relay', () => service?.readiness() ?? 'starting');
// Ops endpoints first, so /healthz answers while the relay waits for its database.
await rt.serve(config.OPS_PORT);

try {
  service = await startOutboxRelay({
    config,
    logger: rt.logger,
    metrics: rt.metrics,
    signal: rt.shutdown.signal,
  });
} catch (err) {
  // Stopped while waiting for the database: the shutdown in progress exits the process.
  if (!rt.shutdown.isShuttingDown) throw err;
}
const started = service;
if (started && rt.shutdown.isShuttingDown) {
  // Stopped while starting: the shutdown in progress has no hooks for this relay, so stop it here.
  await started.stop();
  await started.close();
} else if (started) {
  rt.shutdown.onShutdown(
    'relay: stop polling, finish and mark the batch in flight',
    () => started.stop(),
    'drain',
  );
  rt.shutdown.onShutdown('relay: producer, lease and database pool', () => started.close(), 'close');
  rt.logger.info(
    { store_id: config.STORE_ID, protocol: config.RELAY_SYNC_PROTOCOL, topic: config.RELAY_TOPIC },
    'outbox relay started',
  );
}
