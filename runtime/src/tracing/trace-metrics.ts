import { Counter, type Registry } from 'prom-client';

/**
 * Process-wide tracing counters. Trace contexts are parsed and spans recorded deep inside code that
 * has no registry at hand (a record's headers, a middleware), so the counts live here and every
 * registry (createMetricsRegistry) exposes them; in a test running several parts in one process
 * each part's registry shows the process total.
 */
const totals = new Map<string, Map<string, number>>();

function bump(metric: string, labels: string, by = 1): void {
  let m = totals.get(metric);
  if (!m) totals.set(metric, (m = new Map()));
  m.set(labels, (m.get(labels) ?? 0) + by);
}

/** An invalid incoming traceparent (a new trace was started instead). */
export function countInvalidTraceContext(source: 'http' | 'kafka' | 'outbox', reason: string): void {
  bump('invalid', `${source}\u0000${reason}`);
}

/** Spans that never reached the collector: queue full, export failed for good, rejected by it. */
export function countDroppedSpans(reason: 'queue_full' | 'export_failed' | 'rejected', n: number): void {
  if (n > 0) bump('dropped', reason, n);
}

export function countExportFailure(kind: string): void {
  bump('failures', kind);
}

export function countExportedSpans(n: number): void {
  bump('exported', '', n);
}

const DEFS: { metric: string; name: string; help: string; labelNames: string[] }[] = [
  {
    metric: 'invalid',
    name: 'retail_trace_context_invalid_total',
    help: 'Incoming traceparent values refused (malformed, too long, zero id, version ff); a new trace was started',
    labelNames: ['source', 'reason'],
  },
  {
    metric: 'dropped',
    name: 'retail_otlp_spans_dropped_total',
    help: 'Spans not exported: queue full, export failed after retries, or rejected by the collector',
    labelNames: ['reason'],
  },
  {
    metric: 'failures',
    name: 'retail_otlp_export_failures_total',
    help: 'Failed OTLP export requests, by kind (status code, network, timeout)',
    labelNames: ['kind'],
  },
  {
    metric: 'exported',
    name: 'retail_otlp_spans_exported_total',
    help: 'Spans accepted by the OTLP collector',
    labelNames: [],
  },
];

/** Exposes the process-wide tracing counters on a registry (called by createMetricsRegistry). */
export function registerTraceMetrics(registry: Registry): void {
  for (const def of DEFS) {
    if (registry.getSingleMetric(def.name)) continue;
    new Counter({
      name: def.name,
      help: def.help,
      labelNames: def.labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, value] of totals.get(def.metric) ?? []) {
          const parts = key.split('\u0000');
          const labels = Object.fromEntries(def.labelNames.map((l, i) => [l, parts[i] ?? '']));
          this.inc(labels, value);
        }
      },
    });
  }
}
