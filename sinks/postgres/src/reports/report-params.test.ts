import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';
import {
  inventoryQuery,
  kpisQuery,
  parseQuery,
  resolveRange,
  salesQuery,
  topProductsQuery,
} from './report-params.ts';
import { sha256Hex, tokenMatches } from './token-auth.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('query parameters', () => {
  it('applies defaults', () => {
    expect(parseQuery(salesQuery, {})).toEqual({ limit: 100, granularity: 'day' });
    expect(parseQuery(topProductsQuery, {})).toEqual({ limit: 10 });
    expect(parseQuery(kpisQuery, { limit: '5' })).toEqual({ limit: 5, window: '1h' });
  });

  it.each([
    [salesQuery, { from: 'yesterday' }],
    [salesQuery, { from: '2026-11-20' }],
    [salesQuery, { granularity: 'week' }],
    [salesQuery, { store_id: "a' OR 1=1" }],
    [salesQuery, { store_id: ['a', 'b'] }],
    [salesQuery, { limit: '0' }],
    [salesQuery, { limit: '1001' }],
    [salesQuery, { limit: '1.5' }],
    [kpisQuery, { window: '2m' }],
    [inventoryQuery, {}],
    [inventoryQuery, { store_id: 's1', sku: 'x y' }],
  ])('refuses %#', (schema, query) => {
    expect(code(() => parseQuery(schema, query))).toBe('BAD_REQUEST');
  });

  it('resolves ranges: defaults, order, maximum', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(resolveRange({}, 92, now)).toEqual({ from: new Date('2026-11-21T00:00:00Z'), to: now });
    expect(resolveRange({ from: '2026-11-20T07:00:00+07:00', to: '2026-11-21T00:00:00Z' }, 92).from).toEqual(
      new Date('2026-11-20T00:00:00Z'),
    );
    expect(code(() => resolveRange({ from: '2026-11-21T00:00:00Z', to: '2026-11-21T00:00:00Z' }, 92))).toBe(
      'BAD_REQUEST',
    );
    expect(code(() => resolveRange({ from: '2026-01-01T00:00:00Z', to: '2026-11-21T00:00:00Z' }, 92))).toBe(
      'RANGE_TOO_LARGE',
    );
  });
});

describe('cursors', () => {
  it('round-trips the key of its own endpoint only', () => {
    const c = encodeCursor('sales', [1_763_600_000_000, 's1', 'VND']);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('sales', c, 3)).toEqual([1_763_600_000_000, 's1', 'VND']);
    expect(code(() => decodeCursor('kpis', c, 1))).toBe('BAD_REQUEST');
    expect(code(() => decodeCursor('sales', c, 2))).toBe('BAD_REQUEST');
    expect(code(() => decodeCursor('sales', 'not!base64', 3))).toBe('BAD_REQUEST');
    expect(
      code(() => decodeCursor('sales', Buffer.from('{"e":"sales","k":[{}]}').toString('base64url'), 1)),
    ).toBe('BAD_REQUEST');
  });
});

describe('bearer tokens', () => {
  const hashes = [sha256Hex('one'), sha256Hex('two')];
  it('accepts any configured token and nothing else', () => {
    expect(tokenMatches('Bearer one', hashes)).toBe(true);
    expect(tokenMatches('Bearer two', hashes)).toBe(true);
    expect(tokenMatches('Bearer three', hashes)).toBe(false);
    expect(tokenMatches('Bearer ', hashes)).toBe(false);
    expect(tokenMatches('bearer one', hashes)).toBe(false);
    expect(tokenMatches(undefined, hashes)).toBe(false);
    expect(tokenMatches('Bearer one', [])).toBe(false);
  });
});
