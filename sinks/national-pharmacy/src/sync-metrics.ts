import { counter, gauge, histogram } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';

/** The sync's metrics (docs/national-pharmacy-sync.md lists them with the alert). */
export function syncMetrics(registry: Registry) {
  return {
    documents: gauge(
      registry,
      'retail_national_sync_documents',
      'Documents by status and type (sweeper refresh)',
      ['status', 'type'],
    ),
    requestSeconds: histogram(
      registry,
      'retail_national_sync_request_seconds',
      'HTTP calls to the national pharmacy database by method, document type and meaning of the answer',
      ['method', 'type', 'outcome'],
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    tokenRefreshes: counter(
      registry,
      'retail_national_sync_token_refreshes_total',
      'Logins made to the national pharmacy database (initial, or after a 401)',
      ['reason'],
    ),
    settled: counter(registry, 'retail_national_sync_settled_total', 'Worker turns by type and result', [
      'type',
      'result',
    ]),
    oldestPendingSeconds: gauge(
      registry,
      'retail_national_sync_oldest_pending_seconds',
      'Age of the oldest document not yet final (PENDING_SYNC or IN_FLIGHT)',
    ),
    overdue: gauge(
      registry,
      'retail_national_sync_overdue_documents',
      'Documents pending longer than NATIONAL_SYNC_PENDING_ALERT_MS',
    ),
  };
}

export type SyncMetrics = ReturnType<typeof syncMetrics>;
