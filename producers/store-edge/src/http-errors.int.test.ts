import { describe, expect, it } from 'vitest';
import { openSale, outboxRows, product, type Json } from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';

const h = useHarness({ EDGE_BODY_LIMIT_BYTES: '4096' });

const errorShape = (code: string, field?: string | null) => ({
  error: {
    code,
    message: expect.any(String),
    field: field === undefined ? expect.toBeOneOf([null, expect.any(String)]) : field,
  },
});

describe('client errors are answered with {error:{code,message,field}} and the right status', () => {
  it('401 without, with a malformed or with a wrong token; the body terminal_id is never trusted', async () => {
    const none = await h.call('POST', '/v1/transactions', { token: null, body: { cashier_id: 'C1' } });
    expect(none.status).toBe(401);
    expect(none.body).toEqual(errorShape('UNAUTHENTICATED', null));
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await h.call('GET', '/v1/sync/status', { token: 'wrong-token' })).status).toBe(401);
    expect(
      (
        await h.call('GET', '/v1/sync/status', {
          headers: { authorization: `Basic ${h.tokens.T1}` },
          token: null,
        })
      ).status,
    ).toBe(401);

    const sneaky = await h.call('POST', '/v1/transactions', {
      terminal: 'T2',
      body: { cashier_id: 'C1', terminal_id: 'T1' },
    });
    expect(sneaky.status).toBe(400); // unknown field, not silently used
    const honest = await h.call('POST', '/v1/transactions', { terminal: 'T2', body: { cashier_id: 'C1' } });
    expect(honest.body.terminal_id).toBe('T2');
  });

  it('400 for missing or invalid input, naming the field', async () => {
    const noKey = await h.call('POST', '/v1/transactions', { key: null, body: { cashier_id: 'C1' } });
    expect(noKey.status).toBe(400);
    expect(noKey.body).toEqual(errorShape('IDEMPOTENCY_KEY_REQUIRED', 'Idempotency-Key'));
    expect(
      (await h.call('POST', '/v1/transactions', { key: 'bad key', body: { cashier_id: 'C1' } })).body.error
        .code,
    ).toBe('INVALID_IDEMPOTENCY_KEY');

    const noBody = await h.call('POST', '/v1/transactions');
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.code).toBe('BODY_REQUIRED');
    const badJson = await h.call('POST', '/v1/transactions', { rawBody: '{"cashier_id": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('INVALID_JSON');

    const sale = await openSale(h, []);
    const items = `/v1/transactions/${sale.id}/items`;
    const payments = `/v1/transactions/${sale.id}/payments`;
    const barcode = product('SKU-A').barcode;
    const cases: [string, string, unknown, string][] = [
      ['POST', items, { barcode: 'abc', quantity: 1 }, 'barcode'],
      ['POST', items, { barcode, quantity: 0 }, 'quantity'],
      ['POST', items, { barcode, quantity: 1.5 }, 'quantity'],
      ['POST', items, { barcode, quantity: '2' }, 'quantity'],
      ['POST', items, { barcode, discount_minor: -1 }, 'discount_minor'],
      ['POST', items, { barcode, discount_minor: 0.5 }, 'discount_minor'],
      ['POST', items, { barcode, discount_minor: 10_001 }, 'discount_minor'],
      ['POST', payments, { method: 'CHEQUE' }, 'method'],
      ['POST', payments, { method: 'CARD' }, 'card_token'],
      ['POST', payments, { method: 'CASH', amount_minor: 1e20 }, 'amount_minor'],
      ['POST', `/v1/transactions/not-a-uuid/items`, { barcode }, 'id'],
      ['PATCH', `/v1/transactions/${sale.id}/lines/0`, { quantity: 1 }, 'line_no'],
      ['PATCH', `/v1/transactions/${sale.id}/lines/1`, {}, null as unknown as string],
      ['POST', `/v1/transactions/${sale.id}/void`, { reason: '' }, 'reason'],
      [
        'POST',
        '/v1/inventory/adjustments',
        { cashier_id: 'C', reason: 'LOST', lines: [{ sku: 'SKU-A', counted: 1 }] },
        'reason',
      ],
      ['POST', '/v1/goods-receipts', { cashier_id: 'C', supplier_id: 'S', lines: [] }, 'lines'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await h.call(method, path, { body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.field, `${method} ${path} ${JSON.stringify(body)}`).toBe(field);
    }
    expect((await h.call('GET', '/v1/reports/inventory?limit=0')).status).toBe(400);
    expect((await h.call('GET', '/v1/reports/inventory?limit=10&limit=20')).status).toBe(400);
  });

  it('404 for unknown barcode, transaction, line, payment and route', async () => {
    const sale = await openSale(h, []);
    const unknown = await h.call('POST', `/v1/transactions/${sale.id}/items`, {
      body: { barcode: '8930000009999' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(errorShape('UNKNOWN_BARCODE', 'barcode'));
    expect((await h.call('GET', '/v1/catalog/barcodes/8930000009999')).status).toBe(404);
    expect((await h.call('GET', `/v1/catalog/barcodes/${product('SKU-A').barcode}`)).body).toMatchObject({
      sku: 'SKU-A',
      price_minor: 10_000,
      prices_include_tax: true,
    });
    const missing = '01900000-0000-7000-8000-000000000000';
    expect((await h.call('GET', `/v1/transactions/${missing}`)).status).toBe(404);
    expect((await h.call('POST', `/v1/transactions/${missing}/finalize`)).status).toBe(404);
    expect((await h.call('DELETE', `/v1/transactions/${sale.id}/lines/7`)).status).toBe(404);
    expect((await h.call('GET', `/v1/payments/${missing}`)).status).toBe(404);
    const route = await h.call('GET', '/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('409 for illegal state transitions', async () => {
    const empty = await openSale(h, []);
    expect(
      (await h.call('POST', `/v1/transactions/${empty.id}/payments`, { body: { method: 'CASH' } })).body.error
        .code,
    ).toBe('EMPTY_TRANSACTION');
    expect((await h.call('POST', `/v1/transactions/${empty.id}/finalize`)).status).toBe(409);

    const sale = await openSale(h, [['SKU-A', 1]]);
    const short = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      body: { method: 'CASH', amount_minor: 5_000 },
    });
    expect(short.status).toBe(201);
    const under = await h.call('POST', `/v1/transactions/${sale.id}/finalize`);
    expect(under.status).toBe(409);
    expect(under.body.error.code).toBe('INSUFFICIENT_PAYMENT');
    expect(
      (
        await h.call('POST', `/v1/transactions/${sale.id}/refunds`, {
          body: { cashier_id: 'C', reason: 'x' },
        })
      ).body.error.code,
    ).toBe('NOT_PAID');
    await h.call('POST', `/v1/transactions/${sale.id}/void`, { body: { reason: 'test' } });
    for (const [method, path, body] of [
      ['POST', `/v1/transactions/${sale.id}/payments`, { method: 'CASH' }],
      ['POST', `/v1/transactions/${sale.id}/items`, { barcode: product('SKU-A').barcode }],
      ['POST', `/v1/transactions/${sale.id}/finalize`, undefined],
      ['POST', `/v1/transactions/${sale.id}/void`, { reason: 'again' }],
    ] as const) {
      const res = await h.call(method, path, { body });
      expect(res.status, path).toBe(409);
    }
    expect((await h.call('POST', `/v1/payments/${short.body.id}/cancel`)).status).toBe(409);
  });

  it('413 for a body over the limit, before any work', async () => {
    const big = await h.call('POST', '/v1/transactions', {
      body: { cashier_id: 'C1', customer_id: 'x'.repeat(10_000) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('422 when an Idempotency-Key is reused for a different request', async () => {
    const first = await h.call('POST', '/v1/transactions', {
      key: 'reuse-key-0001',
      body: { cashier_id: 'C1' },
    });
    expect(first.status).toBe(201);
    const other = await h.call('POST', '/v1/transactions', {
      key: 'reuse-key-0001',
      body: { cashier_id: 'C2' },
    });
    expect(other.status).toBe(422);
    expect(other.body).toEqual(errorShape('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key'));
    const elsewhere = await h.call('POST', `/v1/transactions/${first.body.id}/void`, {
      key: 'reuse-key-0001',
      body: { reason: 'oops' },
    });
    expect(elsewhere.status).toBe(422);
    // Nothing happened to the sale the key was replayed against.
    expect((await h.call('GET', `/v1/transactions/${first.body.id}`)).body.status).toBe('DRAFT');
  });

  it('never answers 500 to hostile input', async () => {
    const sale = await openSale(h, [['SKU-A', 1]]);
    const weird: unknown[] = [
      null,
      [],
      [1, 2],
      'string',
      42,
      true,
      {},
      { __proto__: { polluted: 1 } },
      { constructor: { prototype: { x: 1 } } },
      { barcode: null },
      { barcode: ['8930000000018'] },
      { barcode: product('SKU-A').barcode, quantity: Number.MAX_SAFE_INTEGER },
      { barcode: product('SKU-A').barcode, quantity: -0 },
      { method: 'CASH', amount_minor: '100' },
      { method: 'CASH', tendered_minor: 1, amount_minor: 2 },
      { method: 'QR', amount_minor: 1e300 },
      { lines: [{ line_no: 1, quantity: 1e9 }], cashier_id: 'x', reason: 'y' },
      { reason: 'x'.repeat(201) },
      { cashier_id: "'; DROP TABLE transactions; --" },
      { cashier_id: '\u0000' },
    ];
    const paths = [
      '/v1/transactions',
      `/v1/transactions/${sale.id}/items`,
      `/v1/transactions/${sale.id}/payments`,
      `/v1/transactions/${sale.id}/refunds`,
      `/v1/transactions/${sale.id}/void`,
      `/v1/transactions/${sale.id}/finalize`,
      '/v1/goods-receipts',
      '/v1/inventory/adjustments',
    ];
    const statuses = new Set<number>();
    for (const path of paths) {
      for (const body of weird) {
        const res = await h.call('POST', path, { rawBody: JSON.stringify(body) });
        statuses.add(res.status);
        expect(res.status, `${path} ${JSON.stringify(body)}: ${res.text}`).toBeLessThan(500);
        expect((res.body as Json).error ?? (res.body as Json).id).toBeDefined();
      }
    }
    for (const raw of ['%', '/v1/transactions/%E0%A4%A', '/v1/transactions/..%2F..%2Fetc']) {
      expect((await h.call('GET', `/v1/transactions/${encodeURIComponent(raw)}`)).status).toBeLessThan(500);
    }
    const { rows } = await h.db.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'transactions'",
    );
    expect(rows[0].n).toBe(1);
    expect(statuses.has(500)).toBe(false);
    expect((await outboxRows(h)).every((e) => e.payload.store_id === h.storeId)).toBe(true);
  });
});
