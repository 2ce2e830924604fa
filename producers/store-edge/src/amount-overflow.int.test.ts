import { makeEan13 } from '@retail-stream/fixtures';
import { describe, expect, it } from 'vitest';
import { openSale, outboxRows, type Harness } from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';
import { MAX_MINOR } from './http/schemas.ts';

const h = useHarness();

/** Everything a refused request could have written: receipts, lines, stock, lots, sales, outbox. */
async function storeState(x: Harness) {
  const q = async (sql: string) => (await x.db.query(sql)).rows;
  return {
    receipts: await q('SELECT * FROM goods_receipts ORDER BY id'),
    receiptLines: await q('SELECT * FROM goods_receipt_lines ORDER BY receipt_id, sku'),
    inventory: await q('SELECT sku, on_hand FROM local_inventory ORDER BY sku'),
    lots: await q('SELECT * FROM stock_lots ORDER BY sku, lot_no'),
    transactions: await q('SELECT * FROM transactions ORDER BY id'),
    lines: await q('SELECT * FROM line_items ORDER BY transaction_id, line_no'),
    outbox: await outboxRows(x),
  };
}

const receipt = (lines: { sku: string; quantity: number; unit_cost_minor: number }[]) => ({
  cashier_id: 'C1',
  supplier_id: 'SUP-1',
  lines,
});

describe('amounts that overflow answer 400 AMOUNT_OUT_OF_RANGE and write nothing', () => {
  it('a goods receipt whose line cost or total cost overflows', async () => {
    const before = await storeState(h);
    const cases: [ReturnType<typeof receipt>, string][] = [
      // 10^12 per unit × 10^6 units: each input is within its own limit, the line is 10^18
      // (beyond 2^53; before this check the edge answered 500 from the JSON encoder).
      [receipt([{ sku: 'SKU-A', quantity: 1_000_000, unit_cost_minor: MAX_MINOR }]), 'lines.0'],
      // Five such lines sum to 5·10^18 and more than Postgres bigint holds with a sixth: refused at the first.
      [
        receipt(
          ['SKU-A', 'SKU-B', 'SKU-C', 'SKU-D', 'SKU-E'].map((sku) => ({
            sku,
            quantity: 1_000_000,
            unit_cost_minor: MAX_MINOR,
          })),
        ),
        'lines.0',
      ],
      // Every line at the limit, the total above it.
      [
        receipt([
          { sku: 'SKU-A', quantity: 1, unit_cost_minor: MAX_MINOR },
          { sku: 'SKU-B', quantity: 1, unit_cost_minor: 1 },
        ]),
        'lines',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await h.call('POST', '/v1/goods-receipts', { terminal: 'T5', body });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', field });
      expect(res.body.error.message).toMatch(/above the largest amount the store records/);
    }
    expect(await storeState(h)).toEqual(before);

    // At the limit exactly it is booked (the refusal is the overflow, not large receipts).
    const ok = await h.call('POST', '/v1/goods-receipts', {
      terminal: 'T5',
      body: receipt([{ sku: 'SKU-A', quantity: 1_000_000, unit_cost_minor: MAX_MINOR / 1_000_000 }]),
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.total_cost_minor).toBe(MAX_MINOR);
    const after = await storeState(h);
    expect(after.receipts).toHaveLength(before.receipts.length + 1);
    expect(after.outbox.at(-1)).toMatchObject({ event_type: 'GoodsReceived' });
    expect(after.outbox.at(-1)!.payload.total_cost_minor).toBe(MAX_MINOR);
  });

  it('a sale line or subtotal above the limit (an expensive catalogue item times its quantity)', async () => {
    const barcode = makeEan13('893000000099');
    await h.db.query(
      `INSERT INTO local_catalog (sku, barcode, name, category, brand, price_minor, tax_rate_bp)
       VALUES ('SKU-GOLD', $1, 'Gold bar', 'Jewellery', 'SJC', $2, 0)`,
      [barcode, MAX_MINOR],
    );
    const sale = await openSale(h, []);
    const items = `/v1/transactions/${sale.id}/items`;
    const one = await h.call('POST', items, { body: { barcode, quantity: 1 } });
    expect(one.status, one.text).toBe(201);
    const before = await storeState(h);

    const two = await h.call('POST', items, { body: { barcode, quantity: 1 } }); // the line becomes 2·10^12
    expect(two.status, two.text).toBe(400);
    expect(two.body.error).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', field: 'quantity' });
    const many = await h.call('PATCH', `/v1/transactions/${sale.id}/lines/1`, { body: { quantity: 9_999 } });
    expect(many.status, many.text).toBe(400);
    expect(many.body.error.code).toBe('AMOUNT_OUT_OF_RANGE');
    // Another product on top of a line at the limit: the subtotal overflows.
    const more = await h.call('POST', items, { body: { barcode: makeEan13('893000000001'), quantity: 1 } });
    expect(more.status, more.text).toBe(400);
    expect(more.body.error.code).toBe('AMOUNT_OUT_OF_RANGE');

    expect(await storeState(h)).toEqual(before);
    const view = await h.call('GET', `/v1/transactions/${sale.id}`);
    expect(view.body.totals.total_minor).toBe(MAX_MINOR);
    expect(view.body.lines.map((l: { quantity: number }) => l.quantity)).toEqual([1]);
  });
});
