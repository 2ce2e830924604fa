import type { Registry } from 'prom-client';

export interface ChildRegistry {
  registry: Registry;
  /** Added to every series of this child (e.g. `{store_id: 's001', component: 'outbox-relay'}`). */
  labels: Record<string, string>;
}

type SeriesValue = { value: number; labels: Record<string, string | number>; metricName?: string };
type Snapshot = { name: string; help: string; type: string; aggregator: 'sum'; values: SeriesValue[] };

type Family = {
  name: string;
  help: string;
  type: string;
  aggregator: 'sum';
  get(): Promise<Snapshot>;
  reset(): void;
};

/**
 * Exposes the metrics of several components of the same kind that run in one process (one store
 * edge and one relay per store in the multi-store host) through the process registry. Each
 * component keeps its own registry, because components create their metrics with get-or-create and
 * would otherwise share one unlabelled series; the parent gets one family per metric name whose
 * series are the children's, told apart by the child's labels.
 *
 * Call `sync()` after children created their metrics (families are added, never removed).
 */
export class ChildRegistries {
  private readonly children: ChildRegistry[] = [];
  private readonly exposed = new Set<string>();

  constructor(private readonly parent: Registry) {}

  add(child: ChildRegistry): void {
    this.children.push(child);
    this.sync();
  }

  remove(registry: Registry): void {
    const i = this.children.findIndex((c) => c.registry === registry);
    if (i >= 0) this.children.splice(i, 1);
  }

  sync(): void {
    for (const child of this.children) {
      for (const metric of child.registry.getMetricsAsArray()) {
        const name = (metric as unknown as { name: string }).name;
        if (this.exposed.has(name)) continue;
        if (this.parent.getSingleMetric(name)) continue; // the parent's own metric wins
        this.exposed.add(name);
        this.parent.registerMetric(this.family(name) as never);
      }
    }
  }

  private family(name: string): Family {
    const children = this.children;
    const first = (): { help: string; type: string } => {
      for (const c of children) {
        const m = c.registry.getSingleMetric(name) as unknown as { help: string; type: string } | undefined;
        if (m) return m;
      }
      return { help: name, type: 'gauge' };
    };
    const { help, type } = first();
    return {
      name,
      help,
      type,
      aggregator: 'sum',
      reset: () => undefined,
      async get() {
        const values: SeriesValue[] = [];
        for (const c of children) {
          const metric = c.registry.getSingleMetric(name);
          if (!metric) continue;
          const got = (await metric.get()) as unknown as { values: SeriesValue[] };
          for (const v of got.values) values.push({ ...v, labels: { ...v.labels, ...c.labels } });
        }
        return { name, help, type, aggregator: 'sum', values };
      },
    };
  }
}
