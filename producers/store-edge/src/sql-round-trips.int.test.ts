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
 * Statements per request of each step (guarded-commit.ts), with no BEGIN/COMMIT: one read (the
 * stored answer, the sale and what the step needs) + one guarded write (key, sale, lines/payment/
 * stock/lots, answer, outbox rows); open has no read. Was 4 + 3 × 5 + 5 + 5 = 29 with a
 * transaction per step.
 */
const EXPECTED = {
  'POST /v1/transactions': 1,
  'POST /v1/transactions/:id/items': 2,
  'POST /v1/transactions/:id/payments': 2,
  'POST /v1/transactions/:id/finalize': 2,
};
const PER_SALE = 1 + 3 * 2 + 2 + 2;

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
    // First: read + write; replay: the read, which finds the stored answer.
    expect(s.statements).toBe(2 + 1);
  });

  it('a replayed open costs its one statement: the write sees the stored answer and writes nothing', async () => {
    counter.reset();
    const key = 'replay-round-trips-open';
    const first = await h.call('POST', '/v1/transactions', { key, body: { cashier_id: 'C-1' } });
    const again = await h.call('POST', '/v1/transactions', { key, body: { cashier_id: 'C-1' } });
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await new Promise((resolve) => setImmediate(resolve));
    expect(counter.stats.get('POST /v1/transactions')).toMatchObject({ requests: 2, statements: 2 });
    const sales = await h.db.query('SELECT count(*)::int AS n FROM transactions WHERE id = $1', [
      first.body.id,
    ]);
    expect(sales.rows[0].n).toBe(1);
  });
});
