import { describe, expect, it } from 'vitest';
import { eventSchema } from './catalogue.ts';
import { KPI_MAP_MEASURE, KPI_MEASURES, kpiMeasuresOf, measureFieldsOf } from './kpi-measures.ts';
import { kpiWindowFixture } from './testing/kpi-window-fixture.ts';

describe('KPI measures', () => {
  const schema = eventSchema('KpiWindowUpdated').schema;

  it('KPI_MEASURES is every plain long field of KpiWindowUpdated.avsc, in schema order', () => {
    expect([...KPI_MEASURES]).toEqual(measureFieldsOf(schema).integers);
  });

  it('payments_by_method is the only map measure (each store handles it by hand)', () => {
    expect(measureFieldsOf(schema).maps).toEqual([KPI_MAP_MEASURE]);
  });

  it('timestamps (long with a logicalType) and the int revision are not measures', () => {
    for (const f of ['window_start', 'window_end', 'updated_at', 'revision']) {
      expect(KPI_MEASURES).not.toContain(f);
    }
  });

  it('kpiMeasuresOf copies exactly the integer measures', () => {
    const k = kpiWindowFixture({ orders: 7 });
    const m = kpiMeasuresOf(k);
    expect(Object.keys(m)).toEqual([...KPI_MEASURES]);
    expect(m.orders).toBe(7);
    expect(m.gmv_minor).toBe(k.gmv_minor);
  });
});
