import {
  ACKED_SEND_SECONDS_BUCKETS,
  counter,
  gauge,
  histogram,
  type ServiceRuntime,
} from '@retail-stream/runtime';

export function createRelayMetrics(registry: ServiceRuntime['metrics']) {
  return {
    backlog: gauge(
      registry,
      'retail_outbox_backlog_rows',
      'Outbox rows not yet published (refreshed by the health loop)',
    ),
    oldestAge: gauge(
      registry,
      'retail_outbox_oldest_unpublished_age_seconds',
      'Age of the first unpublished outbox row: how far behind the store is',
    ),
    published: counter(
      registry,
      'retail_relay_published_total',
      'Outbox rows acknowledged by the destination and marked published',
    ),
    errors: counter(
      registry,
      'retail_relay_publish_errors_total',
      'Failed publish attempts and rows that cannot be published (not encodable, too large), by code',
      ['code'],
    ),
    duration: histogram(
      registry,
      'retail_relay_publish_duration_seconds',
      'Time from handing a batch to the publisher to its acknowledgement (or failure)',
      [],
      ACKED_SEND_SECONDS_BUCKETS,
    ),
    phase: histogram(
      registry,
      'retail_relay_batch_phase_seconds',
      'Time per batch in each phase (read, encode, publish, mark): where a slow relay spends it',
      ['phase'],
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    online: gauge(
      registry,
      'retail_relay_online',
      '1 when the destination is reachable (ONLINE), 0 when OFFLINE or not known yet',
    ),
    leaseHeld: gauge(
      registry,
      'retail_relay_lease_held',
      '1 on the instance that publishes this store, 0 on standbys',
    ),
    blocked: gauge(
      registry,
      'retail_relay_blocked',
      '1 while publishing is stopped by an outbox row that cannot be published (not encodable, too large)',
    ),
    lastPublishedSeq: gauge(
      registry,
      'retail_relay_last_published_seq',
      'Highest store_seq marked published by this instance',
    ),
    retentionDeleted: counter(
      registry,
      'retail_relay_retention_deleted_total',
      'Published outbox rows deleted by retention',
    ),
    // The relay_status heartbeat as a metric: a lease holder whose value stops moving cannot reach
    // its store database (deploy/observability, RetailStoreHeartbeatStale).
    lastHeartbeat: gauge(
      registry,
      'retail_relay_last_heartbeat_timestamp_seconds',
      'Unix time of the last relay_status heartbeat this instance wrote (0: none yet, or a standby)',
    ),
  };
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;
