import { KPI_MEASURES } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import { documentedFields, openapiDoc as doc } from './openapi-doc.ts';
import {
  inventoryQuery,
  kpisQuery,
  nationalSyncQuery,
  salesQuery,
  storesQuery,
  topProductsQuery,
} from './report-params.ts';

/** openapi.yaml must document exactly the endpoints and query parameters the code accepts. */
describe('openapi.yaml', () => {
  const routes = {
    '/v1/stores': storesQuery,
    '/v1/status': undefined,
    '/v1/reconciliation': undefined,
    '/v1/national-sync': nationalSyncQuery,
    '/v1/reports/sales': salesQuery,
    '/v1/reports/top-products': topProductsQuery,
    '/v1/reports/inventory': inventoryQuery,
    '/v1/kpis': kpisQuery,
  };

  it('is OpenAPI 3.1 with every endpoint', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(routes).sort());
  });

  it.each(Object.entries(routes))('%s documents every query parameter', (route, schema) => {
    const params = (doc.paths[route]!.get.parameters ?? []).map(
      (p) => p.name ?? doc.components.parameters[p.$ref!.split('/').pop()!]!.name,
    );
    expect(params.sort()).toEqual(Object.keys(schema?.shape ?? {}).sort());
  });

  it.each(Object.keys(routes))('%s documents a 200 body whose every field is required', (route) => {
    const { required, properties } = documentedFields(route);
    expect(properties.length).toBeGreaterThan(0);
    expect([...required].sort()).toEqual([...properties].sort());
  });

  it('KpiWindow documents every KPI measure as a required property', () => {
    const kpi = doc.components.schemas.KpiWindow!;
    for (const m of KPI_MEASURES) {
      expect(kpi.required).toContain(m);
      expect(kpi.properties?.[m]).toEqual({ type: 'integer' });
    }
  });
});
