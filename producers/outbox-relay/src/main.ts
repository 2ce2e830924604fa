import { createServiceRuntime, loadConfigOrExit, runService } from '@retail-stream/runtime';
import { relayConfig } from './config.ts';
import { startOutboxRelay } from './relay-service.ts';

/**
 * The outbox relay of one store: `STORE_ID=… PG_URL=… tsx producers/outbox-relay/src/main.ts`.
 * Run several per store for failover; one publishes, the others stand by (see README.md).
 */
const config = loadConfigOrExit(relayConfig);
const rt = createServiceRuntime('outbox-relay', config);
rt.metrics.setDefaultLabels({ service: rt.service, store_id: config.STORE_ID });

// Ops endpoints come up first, so /healthz answers while the relay waits for its database.
await runService(rt, (deps) => startOutboxRelay({ ...deps, config }), {
  name: 'outbox relay',
  opsPort: config.OPS_PORT,
  check: 'relay',
  stopHook: 'relay: stop polling, finish and mark the batch in flight',
  closeHook: 'relay: producer, lease and database pool',
  startedLog: {
    store_id: config.STORE_ID,
    protocol: config.RELAY_SYNC_PROTOCOL,
    topic: config.RELAY_TOPIC,
  },
});
