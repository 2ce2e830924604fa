import { describe, expect, it } from 'vitest';
import { openSale, product } from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';

const h = useHarness();

/** Every table a request can write, plus the sequence and stock: "changes nothing" means this is equal. */
async function snapshot(): Promise<Record<string, unknown>> {
  const tables = [
    'transactions',
    'line_items',
    'payments',
    'refunds',
    'refund_lines',
    'goods_receipts',
    'inventory_adjustments',
    'outbox',
    'idempotency_keys',
  ];
  const counts = await Promise.all(
    tables.map(async (t) => [t, (await h.db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n]),
  );
  const seq = (await h.db.query('SELECT last_seq FROM store_sequence')).rows[0].last_seq;
  const stock = (await h.db.query('SELECT sku, on_hand FROM local_inventory ORDER BY sku')).rows;
  const txs = (await h.db.query('SELECT id, status, total_minor, updated_at FROM transactions ORDER BY id'))
    .rows;
  return { ...Object.fromEntries(counts), seq, stock, txs };
}

describe('Idempotency-Key', () => {
  it('a retried request returns the first response byte for byte and writes nothing', async () => {
    const retry = async (method: string, path: string, body?: unknown) => {
      const key = `retry-${Math.random().toString(36).slice(2)}`;
      const first = await h.call(method, path, { key, body });
      expect(first.status, `${path}: ${first.text}`).toBeLessThan(300);
      const before = await snapshot();
      const second = await h.call(method, path, { key, body });
      expect(second.status).toBe(first.status);
      expect(second.text).toBe(first.text);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await snapshot()).toEqual(before);
      return first.body;
    };

    const sale = await retry('POST', '/v1/transactions', { cashier_id: 'C1', customer_id: 'LOYAL-1' });
    await retry('POST', `/v1/transactions/${sale.id}/items`, {
      barcode: product('SKU-A').barcode,
      quantity: 2,
    });
    await retry('POST', `/v1/transactions/${sale.id}/items`, { barcode: product('SKU-B').barcode });
    await retry('PATCH', `/v1/transactions/${sale.id}/lines/1`, { quantity: 3 });
    await retry('DELETE', `/v1/transactions/${sale.id}/lines/2`);
    await retry('POST', `/v1/transactions/${sale.id}/payments`, { method: 'CASH', tendered_minor: 40_000 });
    const paid = await retry('POST', `/v1/transactions/${sale.id}/finalize`);
    expect(paid.status).toBe('PAID');
    await retry('POST', `/v1/transactions/${sale.id}/refunds`, {
      cashier_id: 'C1',
      reason: 'x',
      lines: [{ line_no: 1, quantity: 1 }],
    });
    await retry('POST', '/v1/goods-receipts', {
      cashier_id: 'C1',
      supplier_id: 'S1',
      lines: [{ sku: 'SKU-C', quantity: 5, unit_cost_minor: 2_000 }],
    });
    await retry('POST', '/v1/inventory/adjustments', {
      cashier_id: 'C1',
      reason: 'DAMAGE',
      lines: [{ sku: 'SKU-C', delta: -1 }],
    });
  });

  it('a retry that races the first attempt waits for it and replays it: one effect only', async () => {
    const sale = await openSale(h, []);
    const body = { barcode: product('SKU-E').barcode, quantity: 1 };
    const attempts = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.call('POST', `/v1/transactions/${sale.id}/items`, { key: 'racing-key-1', body }),
      ),
    );
    expect(new Set(attempts.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(attempts.map((a) => a.text)).size).toBe(1);
    expect(attempts.filter((a) => a.headers.get('idempotent-replayed')).length).toBe(9);
    const view = (await h.call('GET', `/v1/transactions/${sale.id}`)).body;
    expect(view.lines).toEqual([expect.objectContaining({ sku: 'SKU-E', quantity: 1 })]);
  });

  it('keys are per terminal: the same key from another terminal is a different request', async () => {
    const a = await h.call('POST', '/v1/transactions', {
      terminal: 'T1',
      key: 'shared-key-01',
      body: { cashier_id: 'C1' },
    });
    const b = await h.call('POST', '/v1/transactions', {
      terminal: 'T2',
      key: 'shared-key-01',
      body: { cashier_id: 'C1' },
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.terminal_id).toBe('T2');
  });

  it('refused requests store nothing, so the same key is evaluated again once the state allows it', async () => {
    const sale = await openSale(h, [['SKU-A', 1]]);
    const early = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, { key: 'finalize-once-1' });
    expect(early.status).toBe(409);
    await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } });
    const later = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, { key: 'finalize-once-1' });
    expect(later.status).toBe(200);
    expect(later.body.status).toBe('PAID');
  });

  it('a recorded card decline (402) is replayed, not re-attempted', async () => {
    const sale = await openSale(h, [['SKU-A', 1]]);
    const body = { method: 'CARD', card_token: 'tok_declined' };
    const first = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      key: 'card-decline-1',
      body,
    });
    const before = await snapshot();
    const second = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      key: 'card-decline-1',
      body,
    });
    expect(first.status).toBe(402);
    expect(second.text).toBe(first.text);
    expect(await snapshot()).toEqual(before);
  });
});
