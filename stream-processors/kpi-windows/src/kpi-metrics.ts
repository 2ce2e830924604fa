import { counter, gauge, histogram } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';

/** The service's metrics; no store or window labels (cardinality). */
export function kpiMetrics(registry: Registry) {
  return {
    events: counter(registry, 'retail_kpi_events_total', 'Enriched events applied to store windows', [
      'event_type',
    ]),
    late: counter(
      registry,
      'retail_kpi_late_events_total',
      'Events for windows already final (corrected in place) or evicted (recompute), sent to the late topic',
      ['decision'],
    ),
    rejected: counter(registry, 'retail_kpi_rejected_total', 'Records dead-lettered by the KPI processor', [
      'code',
    ]),
    open: gauge(registry, 'retail_kpi_windows_open', 'Store windows not yet final, on this instance'),
    updates: counter(registry, 'retail_kpi_updates_total', 'KpiWindowUpdated revisions published', [
      'scope',
      'final',
    ]),
    watermarkLag: gauge(
      registry,
      'retail_kpi_watermark_lag_seconds',
      'Processing time minus the most advanced store watermark on this instance',
    ),
    restores: counter(registry, 'retail_kpi_restores_total', 'Partition state restores from the changelog'),
    // Where a stage-1 transaction's time goes: our CPU (apply) against the waits on the broker.
    // A flush (throttled updates due without new input) is a transaction of its own: phase flush.
    batchPhaseSeconds: histogram(
      registry,
      'retail_kpi_batch_phase_seconds',
      'Stage-1 time by phase: apply (windows, outputs), send, offsets, commit; flush (a whole transaction of due updates)',
      ['phase'],
    ),
  };
}

export type KpiMetrics = ReturnType<typeof kpiMetrics>;
