import { counter } from '@retail-stream/runtime';
import type { Counter, Registry } from 'prom-client';

export interface MockMetrics {
  requests: Counter<'endpoint'>;
  faults: Counter<'kind'>;
  accepted: Counter<'kind' | 'operation'>;
}

export function mockMetrics(registry: Registry): MockMetrics {
  return {
    requests: counter(registry, 'retail_national_mock_requests_total', 'API requests to the mock authority', [
      'endpoint',
    ]),
    faults: counter(registry, 'retail_national_mock_faults_total', 'Faults injected by the mock authority', [
      'kind',
    ]),
    accepted: counter(
      registry,
      'retail_national_mock_documents_total',
      'Documents the mock authority accepted, by kind and operation (create, update, delete)',
      ['kind', 'operation'],
    ),
  };
}
