import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KPI_MEASURES } from '@retail-stream/schemas';
import { inventoryQuery, kpisQuery, salesQuery, storesQuery, topProductsQuery } from './report-params.ts';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../openapi.yaml');
type Param = { name?: string; $ref?: string };
const doc = parse(readFileSync(file, 'utf8')) as {
  openapi: string;
  paths: Record<string, { get: { parameters?: Param[] } }>;
  components: {
    parameters: Record<string, Param>;
    schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
  };
};

/** openapi.yaml must document exactly the endpoints and query parameters the code accepts. */
describe('openapi.yaml', () => {
  const routes = {
    '/v1/stores': storesQuery,
    '/v1/status': undefined,
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

  it('KpiWindow documents every KPI measure as a required property', () => {
    const kpi = doc.components.schemas.KpiWindow!;
    for (const m of KPI_MEASURES) {
      expect(kpi.required).toContain(m);
      expect(kpi.properties?.[m]).toEqual({ type: 'integer' });
    }
  });
});
