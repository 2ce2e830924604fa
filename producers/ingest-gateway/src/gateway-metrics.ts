import { ACKED_SEND_SECONDS_BUCKETS, counter, histogram, type ServiceRuntime } from '@retail-stream/runtime';

export function createGatewayMetrics(registry: ServiceRuntime['metrics']) {
  return {
    events: counter(
      registry,
      'retail_gateway_events_total',
      'Events in processed batches by result (accepted = produced to Kafka)',
      ['result'],
    ),
    requests: counter(registry, 'retail_gateway_requests_total', 'Ingestion API requests by HTTP status', [
      'status',
    ]),
    duration: histogram(
      registry,
      'retail_gateway_request_duration_seconds',
      'Ingestion API request duration (auth, validation, produce and commit)',
      [],
      ACKED_SEND_SECONDS_BUCKETS,
    ),
    batchEvents: histogram(
      registry,
      'retail_gateway_batch_events',
      'Events per ingestion request that passed authentication and shape checks',
      [],
      [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
    ),
    authFailures: counter(
      registry,
      'retail_gateway_auth_failures_total',
      'Refused API keys by reason (missing, malformed, unknown, revoked, wrong-secret)',
      ['reason'],
    ),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
