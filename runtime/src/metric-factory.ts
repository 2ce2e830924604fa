import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Get-or-create, because several components in one process (two consumer runners, say) share a
 * registry and prom-client refuses to register the same name twice.
 */
export function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[] = [],
): Counter<L> {
  return (
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}

/**
 * `collect` sets the gauge at scrape time (a value read from state, right even when nothing
 * happens); given again for an existing gauge, the newest owner's replaces it.
 */
export function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[] = [],
  collect?: (g: Gauge<L>) => void,
): Gauge<L> {
  const g =
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge({ name, help, labelNames, registers: [registry] });
  // prom-client calls a metric's `collect` before reading it; set here so an existing gauge takes it too.
  if (collect) (g as unknown as { collect?: () => void }).collect = () => collect(g);
  return g;
}

export function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[] = [],
  buckets: number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
): Histogram<L> {
  return (
    (registry.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram({ name, help, labelNames, buckets, registers: [registry] })
  );
}
