import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatementsPerRequest, type StatementCounter } from '../test/statement-counter.ts';
import { product } from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';

/**
 * SQL round trips per sale, counted (one pg Client.query = one round trip) while a real store edge
 * serves a whole cash sale over HTTP: open, three scans, cash payment, finalize. Deterministic (the
 * statements the code sends, not timing), so a change that adds a round trip to the checkout path
 * fails here instead of showing up later as latency in `npm run bench:checkout`.
 */
const h = useHarness();
let counter: StatementCounter;
beforeAll(() => {
  counter = countStatementsPerRequest();
});
afterAll(() => counter.stop());

/**
 * Statements per request of each step: BEGIN + claim (+ lock, or + the new sale) + load (finalize: +
 * stock) + final statement + COMMIT; open has no load.
 */
const EXPECTED = {
  'POST /v1/transactions': 4,
  'POST /v1/transactions/:id/items': 5,
  'POST /v1/transactions/:id/payments': 5,
  'POST /v1/transactions/:id/finalize': 5,
};
const PER_SALE = 4 + 3 * 5 + 5 + 5;

describe('SQL round trips of a checkout', () => {
  it(`a three-line cash sale costs ${PER_SALE} statements, each step its own count`, async () => {
    counter.reset();
    const open = await h.call('POST', '/v1/transactions', { body: { cashier_id: 'C-1' } });
    expect(open.status).toBe(201);
    for (const sku of ['SKU-A', 'SKU-B', 'SKU-C']) {
      const added = await h.call('POST', `/v1/transactions/${open.body.id}/items`, {
        body: { barcode: product(sku).barcode, quantity: 1 },
      });
      expect(added.status).toBe(201);
    }
    const pay = await h.call('POST', `/v1/transactions/${open.body.id}/payments`, {
      body: { method: 'CASH', tendered_minor: 100_000 },
    });
    expect(pay.status).toBe(201);
    const done = await h.call('POST', `/v1/transactions/${open.body.id}/finalize`, { body: {} });
    expect(done.status).toBe(200);
    // 'finish' of the last response has fired by the time its body arrived; let its listener run.
    await new Promise((resolve) => setImmediate(resolve));

    const perRequest = Object.fromEntries(
      Object.keys(EXPECTED).map((k) => {
        const s = counter.stats.get(k);
        return [k, s ? s.statements / s.requests : undefined];
      }),
    );
    expect(perRequest).toEqual(EXPECTED);
    const total = Object.keys(EXPECTED).reduce((n, k) => n + counter.stats.get(k)!.statements, 0);
    expect(total).toBe(PER_SALE);
  });

  it('a replayed request costs no more than the first', async () => {
    const open = await h.call('POST', '/v1/transactions', { body: { cashier_id: 'C-1' } });
    counter.reset();
    const key = 'replay-round-trips-1';
    const first = await h.call('POST', `/v1/transactions/${open.body.id}/items`, {
      key,
      body: { barcode: product('SKU-A').barcode, quantity: 1 },
    });
    const again = await h.call('POST', `/v1/transactions/${open.body.id}/items`, {
      key,
      body: { barcode: product('SKU-A').barcode, quantity: 1 },
    });
    expect(again.text).toBe(first.text);
    await new Promise((resolve) => setImmediate(resolve));
    const s = counter.stats.get('POST /v1/transactions/:id/items')!;
    expect(s.requests).toBe(2);
    // First: 5; replay: BEGIN, claim (not claimed), stored answer, COMMIT.
    expect(s.statements).toBe(5 + 4);
  });
});
