import { describe, expect, it } from 'vitest';
import { countTables } from '../../test/harness.ts';
import { documentedFields } from './openapi-doc.ts';
import { type Item, TOKEN, useReportsApi } from './reports-api-fixture.ts';

/** The reports API's contract and guards: documented fields only, clear 400/404/401, no injection. */
describe('reports API guards', () => {
  const { get, pool: poolOf, base: baseOf } = useReportsApi();

  it('answers with exactly the fields openapi.yaml documents (the dashboard types come from it)', async () => {
    const range = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z';
    const calls: Record<string, string> = {
      '/v1/stores': '',
      '/v1/status': '',
      '/v1/reconciliation': '',
      '/v1/reports/sales': `?${range}`,
      '/v1/reports/top-products': `?${range}`,
      '/v1/reports/inventory': '?store_id=rpt_a',
      '/v1/kpis': `?window=1h&${range}`,
    };
    for (const [route, query] of Object.entries(calls)) {
      const { page, properties } = documentedFields(route);
      const { body } = await get(route + query);
      if (page) expect(Object.keys(body).sort(), route).toEqual(['items', 'next_cursor']);
      const objects: Item[] = page ? body.items : [body];
      expect(objects.length, route).toBeGreaterThan(0);
      for (const o of objects) expect(Object.keys(o).sort(), route).toEqual([...properties].sort());
    }
  });

  it('answers 400/404 with a reason for bad input', async () => {
    const cases: [string, number, string][] = [
      ['/v1/reports/sales?from=yesterday', 400, 'BAD_REQUEST'],
      ['/v1/reports/sales?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z', 400, 'BAD_REQUEST'],
      ['/v1/reports/sales?from=2026-01-01T00:00:00Z&to=2026-11-20T00:00:00Z', 400, 'RANGE_TOO_LARGE'],
      ['/v1/reports/sales?granularity=week', 400, 'BAD_REQUEST'],
      ['/v1/kpis?window=2m', 400, 'BAD_REQUEST'],
      ['/v1/stores?limit=0', 400, 'BAD_REQUEST'],
      ['/v1/stores?limit=1001', 400, 'BAD_REQUEST'],
      ['/v1/stores?cursor=bm90LWEtY3Vyc29y', 400, 'BAD_REQUEST'],
      ['/v1/reports/inventory', 400, 'BAD_REQUEST'],
      ['/v1/reports/inventory?store_id=nope', 404, 'UNKNOWN_STORE'],
      ['/v1/reports/sales?store_id=nope', 404, 'UNKNOWN_STORE'],
      ['/v1/kpis?store_id=a&store_id=b', 400, 'BAD_REQUEST'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
      expect(res.body.error.message).toEqual(expect.any(String));
    }
  });

  it('answers 401 without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token', '', `${TOKEN}x`]) {
      const res = await get('/v1/status', token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    const raw = await fetch(`${baseOf()}/v1/status`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(raw.status).toBe(401);
  });

  it('is not injectable through any parameter', async () => {
    const before = await countTables(poolOf());
    const attacks = [
      "' OR '1'='1",
      "rpt_a'; DROP TABLE hq_inbox; --",
      'rpt_a; DELETE FROM stores',
      '1) OR (1=1',
      "2026-11-20T00:00:00Z'; DROP TABLE stores; --",
      '$1',
      '%27%20OR%201%3D1--',
    ];
    const params = ['store_id', 'sku', 'from', 'to', 'granularity', 'window', 'limit', 'cursor'];
    const paths = [
      '/v1/stores',
      '/v1/reports/sales',
      '/v1/reports/top-products',
      '/v1/reports/inventory?store_id=rpt_a',
      '/v1/kpis',
    ];
    for (const path of paths) {
      for (const param of params) {
        for (const attack of attacks) {
          const sep = path.includes('?') ? '&' : '?';
          const res = await get(`${path}${sep}${param}=${encodeURIComponent(attack)}`);
          // Either refused, or the parameter is not one of this endpoint's and is ignored.
          expect([400, 200], `${path} ${param}=${attack}`).toContain(res.status);
          if (res.status === 200 && param === 'store_id' && path !== '/v1/stores')
            throw new Error(`accepted ${attack}`);
        }
      }
    }
    expect(await countTables(poolOf())).toEqual(before);
  });
});
