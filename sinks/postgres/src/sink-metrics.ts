import { counter, sinkMetrics as sharedSinkMetrics } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';

export const SINK = 'postgres';

/** The shared sink family, plus the inbox's verdict per topic: first application or duplicate. */
export function sinkMetrics(registry: Registry) {
  return {
    ...sharedSinkMetrics(registry),
    applied: counter(registry, 'retail_sink_events_applied_total', 'Records applied for the first time', [
      'sink',
      'topic',
    ]),
    duplicates: counter(
      registry,
      'retail_sink_events_duplicate_total',
      'Records already applied (redelivery, replay) or superseded by a higher KPI revision',
      ['sink', 'topic'],
    ),
  };
}

export type SinkMetrics = ReturnType<typeof sinkMetrics>;
