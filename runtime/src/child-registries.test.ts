import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ChildRegistries } from './child-registries.ts';
import { createMetricsRegistry } from './metrics.ts';

describe('ChildRegistries', () => {
  it('exposes same-named metrics of several children as one family, told apart by labels', async () => {
    const parent = createMetricsRegistry('host', { defaultMetrics: false });
    const children = new ChildRegistries(parent);
    const a = new Registry();
    const b = new Registry();
    new Counter({ name: 'retail_x_total', help: 'x', registers: [a] }).inc(2);
    new Counter({ name: 'retail_x_total', help: 'x', registers: [b] }).inc(5);
    new Gauge({ name: 'retail_only_b', help: 'b', labelNames: ['code'], registers: [b] }).set(
      { code: 'E' },
      7,
    );
    children.add({ registry: a, labels: { store_id: 's001' } });
    children.add({ registry: b, labels: { store_id: 's002' } });

    const text = await parent.metrics();
    expect(text.match(/# TYPE retail_x_total counter/g)).toHaveLength(1);
    expect(text).toContain('retail_x_total{store_id="s001",service="host"} 2');
    expect(text).toContain('retail_x_total{store_id="s002",service="host"} 5');
    expect(text).toContain('retail_only_b{code="E",store_id="s002",service="host"} 7');
  });

  it('keeps histogram bucket names, picks up metrics created after add() on sync, drops removed children', async () => {
    const parent = createMetricsRegistry('host', { defaultMetrics: false });
    const children = new ChildRegistries(parent);
    const a = new Registry();
    children.add({ registry: a, labels: { store_id: 's001' } });
    new Histogram({ name: 'retail_d_seconds', help: 'd', buckets: [1], registers: [a] }).observe(0.5);
    expect(await parent.metrics()).not.toContain('retail_d_seconds');
    children.sync();
    const text = await parent.metrics();
    expect(text).toContain('retail_d_seconds_bucket{le="1",store_id="s001",service="host"} 1');
    expect(text).toContain('retail_d_seconds_count{store_id="s001",service="host"} 1');
    children.remove(a);
    expect(await parent.metrics()).not.toContain('s001');
  });
});
