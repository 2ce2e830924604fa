import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerTraceMetrics } from './tracing/trace-metrics.ts';

/**
 * One registry per process, labelled with the service. Process and Node metrics get the retail_
 * prefix so every series a service exposes follows the project's `retail_<noun>_<unit>` naming.
 */
export function createMetricsRegistry(service: string, opts: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'retail_' });
  registerTraceMetrics(registry);
  return registry;
}
