import { describe, expect, it } from 'vitest';
import { canonicalJson, IDEMPOTENCY_KEY, requestHash } from './idempotency.ts';

describe('idempotency request hash', () => {
  const path = '/v1/transactions/0190a0e0-0000-7000-8000-000000000000/items';

  it('is stable and ignores key order at any depth', () => {
    const a = requestHash('POST', path, {
      barcode: '123',
      quantity: 2,
      meta: { x: 1, y: [1, { b: 2, a: 1 }] },
    });
    const b = requestHash('post', path, {
      meta: { y: [1, { a: 1, b: 2 }], x: 1 },
      quantity: 2,
      barcode: '123',
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any value, the method or the path', () => {
    const base = requestHash('POST', path, { quantity: 2 });
    expect(requestHash('POST', path, { quantity: 3 })).not.toBe(base);
    expect(requestHash('POST', path, { quantity: '2' })).not.toBe(base);
    expect(requestHash('PATCH', path, { quantity: 2 })).not.toBe(base);
    expect(requestHash('POST', `${path}x`, { quantity: 2 })).not.toBe(base);
    expect(requestHash('POST', path, [2])).not.toBe(requestHash('POST', path, ['2']));
  });

  it('keeps array order significant and treats undefined members as absent', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(requestHash('POST', path, undefined)).toBe(requestHash('POST', path, null));
  });

  it('does not let a crafted key collide with structure', () => {
    expect(canonicalJson({ 'a":1,"b': 2 })).not.toBe(canonicalJson({ a: 1, b: 2 }));
  });

  it('accepts realistic keys and rejects short, long or spaced ones', () => {
    expect(IDEMPOTENCY_KEY.test('0190a0e0-0000-7000-8000-000000000000')).toBe(true);
    expect(IDEMPOTENCY_KEY.test('T1-000042')).toBe(true);
    expect(IDEMPOTENCY_KEY.test('short')).toBe(false);
    expect(IDEMPOTENCY_KEY.test('has a space')).toBe(false);
    expect(IDEMPOTENCY_KEY.test('x'.repeat(129))).toBe(false);
  });
});
