import { waitFor } from '@retail-stream/runtime/testing';
import { catalogue, ENVELOPE_FIELDS, eventSchema } from '@retail-stream/schemas';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastSeq, onHand, openSale, outboxRows, type Json } from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';

/**
 * A store's day and what it leaves behind, over real HTTP and Postgres: ordinary sales, a voided
 * PAID sale (restocked) and a voided DRAFT (its pending QR fails), refunds in steps, goods received
 * and counted, a sale below zero stock — then the reports and sync status over that day, every
 * outbox payload against its Avro schema, and the SaleRecorded amounts. The sale itself is in
 * checkout-sale.int.test.ts, card and QR payments in checkout-payments.int.test.ts.
 */
const h = useHarness();

// A few ordinary cash sales first, so the day below has more than the returns' own sales for the
// SaleRecorded amounts check (which needs more than five).
beforeAll(async () => {
  for (const quantity of [1, 2, 3]) {
    const sale = await openSale(h, [['SKU-A', quantity]], 'T4');
    await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      terminal: 'T4',
      body: { method: 'CASH' },
    });
    const fin = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, { terminal: 'T4' });
    if (fin.status !== 200) throw new Error(`setup sale failed: ${fin.status} ${fin.text}`);
  }
});

describe('checkout through real HTTP and Postgres', () => {
  it('voiding a PAID sale restocks; voiding a DRAFT fails its pending QR in the same transaction', async () => {
    const paid = await openSale(h, [['SKU-E', 4]]);
    await h.call('POST', `/v1/transactions/${paid.id}/payments`, { body: { method: 'CASH' } });
    await h.call('POST', `/v1/transactions/${paid.id}/finalize`);
    const stockAfterSale = await onHand(h, 'SKU-E');
    const before = await lastSeq(h);
    const voided = await h.call('POST', `/v1/transactions/${paid.id}/void`, {
      body: { reason: 'customer changed mind', cashier_id: 'SUP-1' },
    });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ status: 'VOIDED', void_reason: 'customer changed mind' });
    expect(await onHand(h, 'SKU-E')).toBe(stockAfterSale + 4);
    const [ev] = (await outboxRows(h)).filter((e) => e.store_seq > before);
    expect(ev!.payload).toMatchObject({
      event_type: 'SaleVoided',
      cashier_id: 'SUP-1',
      was_paid: true,
      total_minor: 72_000, // 4 × 18 000, VAT included
      currency: 'VND',
      stock: [{ sku: 'SKU-E', delta: 4, on_hand_after: stockAfterSale + 4 }],
    });
    const twice = await h.call('POST', `/v1/transactions/${paid.id}/void`, { body: { reason: 'again' } });
    expect(twice.status).toBe(409);
    const payVoided = await h.call('POST', `/v1/transactions/${paid.id}/payments`, {
      body: { method: 'CASH' },
    });
    expect(payVoided.status).toBe(409);
    expect(payVoided.body.error.code).toBe('TRANSACTION_NOT_OPEN');

    const draft = await openSale(h, [['SKU-A', 1]]);
    const qr = await h.call('POST', `/v1/transactions/${draft.id}/payments`, { body: { method: 'QR' } });
    const seq = await lastSeq(h);
    const stockA = await onHand(h, 'SKU-A');
    expect(
      (await h.call('POST', `/v1/transactions/${draft.id}/void`, { body: { reason: 'walked away' } })).status,
    ).toBe(200);
    const events = (await outboxRows(h)).filter((e) => e.store_seq > seq);
    expect(events.map((e) => e.event_type)).toEqual(['PaymentFailed', 'SaleVoided']);
    expect(events[0]!.payload).toMatchObject({ payment_id: qr.body.id, reason: 'SALE_VOIDED', method: 'QR' });
    expect(events[1]!.payload).toMatchObject({ was_paid: false, stock: [] });
    expect(events[0]!.trace_id).toBe(events[1]!.trace_id);
    expect(await onHand(h, 'SKU-A')).toBe(stockA);
  });

  it('refunds: partial then the rest, never more than sold, restocking returned units', async () => {
    const sale = await openSale(h, [
      ['SKU-C', 3],
      ['SKU-A', 1],
    ]);
    // C: 3 × 3 333 = 9 999 − 1 000 discount = 8 999 (5% contained: 428.52 → 429), which does not split
    // evenly in thirds: refunded in cumulative 1/3 shares ⌊8 999·k/3⌋ = 2 999, 5 999, 8 999 → 2 999, 3 000, 3 000
    const discounted = await h.call('PATCH', `/v1/transactions/${sale.id}/lines/1`, {
      body: { discount_minor: 1_000 },
    });
    expect(discounted.body.lines[0]).toMatchObject({ tax_minor: 429, line_total_minor: 8_999 });
    expect(discounted.body.totals).toMatchObject({ total_minor: 18_999, tax_minor: 429 + 909 });
    await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } });
    await h.call('POST', `/v1/transactions/${sale.id}/finalize`);
    const stockC = await onHand(h, 'SKU-C');
    const first = await h.call('POST', `/v1/transactions/${sale.id}/refunds`, {
      body: { cashier_id: 'C-T1', reason: 'damaged', lines: [{ line_no: 1, quantity: 1 }] },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      amount_minor: 2_999,
      transaction_status: 'PARTIALLY_REFUNDED',
      lines: [{ line_no: 1, sku: 'SKU-C', quantity: 1, amount_minor: 2_999 }],
    });
    expect(await onHand(h, 'SKU-C')).toBe(stockC + 1);

    const tooMany = await h.call('POST', `/v1/transactions/${sale.id}/refunds`, {
      body: { cashier_id: 'C-T1', reason: 'x', lines: [{ line_no: 1, quantity: 3 }] },
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_SOLD', field: 'lines.0.quantity' });
    const noLine = await h.call('POST', `/v1/transactions/${sale.id}/refunds`, {
      body: { cashier_id: 'C-T1', reason: 'x', lines: [{ line_no: 9, quantity: 1 }] },
    });
    expect(noLine.status).toBe(404);

    const before = await lastSeq(h);
    const rest = await h.call('POST', `/v1/transactions/${sale.id}/refunds`, {
      body: { cashier_id: 'C-T1', reason: 'return all' },
    });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ amount_minor: 6_000 + 10_000, transaction_status: 'REFUNDED' });
    expect(first.body.amount_minor + rest.body.amount_minor).toBe(18_999); // exactly what was paid
    const [ev] = (await outboxRows(h)).filter((e) => e.store_seq > before);
    expect(ev!.payload).toMatchObject({
      event_type: 'SaleRefunded',
      transaction_id: sale.id,
      refund_id: rest.body.id,
      amount_minor: 16_000,
      reason: 'return all',
      lines: [
        { line_no: 1, sku: 'SKU-C', quantity: 2, amount_minor: 6_000 },
        { line_no: 2, sku: 'SKU-A', quantity: 1, amount_minor: 10_000 },
      ],
      stock: [
        { sku: 'SKU-A', delta: 1, on_hand_after: expect.any(Number) },
        { sku: 'SKU-C', delta: 2, on_hand_after: stockC + 3 },
      ],
    });
    const after = await h.call('POST', `/v1/transactions/${sale.id}/refunds`, {
      body: { cashier_id: 'C-T1', reason: 'again' },
    });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('ALREADY_REFUNDED');
    const voidRefunded = await h.call('POST', `/v1/transactions/${sale.id}/void`, { body: { reason: 'x' } });
    expect(voidRefunded.status).toBe(409);
  });

  it('goods receipts raise stock, counts set it, both as events', async () => {
    const b = await onHand(h, 'SKU-B');
    const receipt = await h.call('POST', '/v1/goods-receipts', {
      body: {
        cashier_id: 'CLERK-1',
        supplier_id: 'SUP-THP',
        supplier_ref: 'DN-2025-001',
        lines: [
          { sku: 'SKU-B', quantity: 24, unit_cost_minor: 18_000 },
          { sku: 'SKU-D', quantity: 2, unit_cost_minor: 750_000 },
        ],
      },
    });
    expect(receipt.status).toBe(201);
    expect(receipt.body).toMatchObject({ total_cost_minor: 24 * 18_000 + 2 * 750_000 });
    expect(await onHand(h, 'SKU-B')).toBe(b + 24);
    const unknown = await h.call('POST', '/v1/goods-receipts', {
      body: {
        cashier_id: 'CLERK-1',
        supplier_id: 'S',
        lines: [{ sku: 'NOPE', quantity: 1, unit_cost_minor: 1 }],
      },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('lines.0.sku');

    const before = await lastSeq(h);
    const count = await h.call('POST', '/v1/inventory/adjustments', {
      body: {
        cashier_id: 'CLERK-1',
        reason: 'COUNT',
        note: 'monthly count',
        lines: [
          { sku: 'SKU-B', counted: 7 },
          { sku: 'SKU-A', delta: -2 },
        ],
      },
    });
    expect(count.status).toBe(201);
    expect(await onHand(h, 'SKU-B')).toBe(7);
    const [ev] = (await outboxRows(h)).filter((e) => e.store_seq > before);
    expect(ev!.payload).toMatchObject({
      event_type: 'InventoryAdjusted',
      reason: 'COUNT',
      note: 'monthly count',
      cashier_id: 'CLERK-1',
      stock: [
        { sku: 'SKU-A', delta: -2, on_hand_after: expect.any(Number) },
        { sku: 'SKU-B', delta: 7 - (b + 24), on_hand_after: 7 },
      ],
    });
    const receivedEvent = (await outboxRows(h)).find((e) => e.event_type === 'GoodsReceived')!;
    expect(receivedEvent.payload).toMatchObject({
      supplier_id: 'SUP-THP',
      currency: 'VND',
      total_cost_minor: 1_932_000,
      lines: [
        { sku: 'SKU-B', quantity: 24, unit_cost_minor: 18_000 },
        { sku: 'SKU-D', quantity: 2, unit_cost_minor: 750_000 },
      ],
    });
  });

  it('allows selling below zero by default (a store never refuses a sale)', async () => {
    const sale = await openSale(h, [['SKU-D', 150]]);
    await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } });
    const fin = await h.call('POST', `/v1/transactions/${sale.id}/finalize`);
    expect(fin.status).toBe(200);
    expect(await onHand(h, 'SKU-D')).toBeLessThan(0);
  });

  it('reports: sales by store-local day, inventory, sync status and metrics', async () => {
    const report = await h.call('GET', '/v1/reports/sales-by-day');
    expect(report.status).toBe(200);
    expect(report.body.days).toHaveLength(7);
    const { rows } = await h.db.query(
      `SELECT count(*)::int AS n, sum(total_minor)::bigint AS total FROM transactions WHERE finalized_at IS NOT NULL`,
    );
    const today = report.body.days.at(-1);
    expect(today.sales_count).toBe(rows[0].n);
    expect(today.total_minor).toBe(Number(rows[0].total));
    expect(today.voided_count).toBe(1);
    expect(today.net_minor).toBe(today.total_minor - today.voided_minor - today.refunded_minor);
    expect((await h.call('GET', '/v1/reports/sales-by-day?from=2025-02-30')).status).toBe(400);
    expect((await h.call('GET', '/v1/reports/sales-by-day?from=2020-01-01&to=2025-01-01')).status).toBe(400);

    const inv = await h.call('GET', '/v1/reports/inventory?below=10');
    expect(inv.status).toBe(200);
    expect(inv.body.items.map((i: Json) => i.sku)).toEqual(['SKU-D', 'SKU-B']);
    expect(inv.body).toMatchObject({ sku_count: 2, negative_skus: 1 });

    const unknown = await h.call('GET', '/v1/sync/status');
    const { rows: pending } = await h.db.query(
      'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
    );
    expect(unknown.body).toMatchObject({
      status: 'UNKNOWN',
      backlog: pending[0].n,
      last_store_seq: await lastSeq(h),
    });
    expect(unknown.body.oldest_unpublished_age_seconds).toBeGreaterThanOrEqual(0);
    await h.db.query(
      `INSERT INTO relay_status (store_id, destination, status) VALUES ($1, 'kafka', 'ONLINE')`,
      [h.storeId],
    );
    expect((await h.call('GET', '/v1/sync/status')).body.status).toBe('ONLINE');
    await h.db.query(`UPDATE relay_status SET last_seen_at = now() - interval '10 minutes'`);
    expect((await h.call('GET', '/v1/sync/status')).body.status).toBe('OFFLINE');

    const metrics = await (await fetch(`${h.base}/metrics`)).text();
    expect(metrics).toMatch(
      /retail_pos_requests_total\{route="POST \/v1\/transactions\/:id\/finalize",status="200",service="store-edge-test"\} \d+/,
    );
    expect(metrics).toMatch(/retail_pos_sales_finalized_total\{service="store-edge-test"\} [1-9]/);
    expect(metrics).toMatch(
      /retail_pos_request_duration_seconds_bucket\{le="0.1",service="store-edge-test",route="GET \/v1\/reports\/inventory"\} 1/,
    );
    // The backlog gauge is refreshed in the background (every 0.2 s in this harness).
    await waitFor(
      async () => {
        const text = await (await fetch(`${h.base}/metrics`)).text();
        return text.includes(`retail_outbox_backlog_rows{service="store-edge-test"} ${pending[0].n}`);
      },
      { timeoutMs: 5_000, what: 'backlog gauge' },
    );
  });
});

function fieldNames(eventType: string): string[] {
  const fields = (eventSchema(eventType).type as unknown as { fields: { name: string }[] }).fields;
  const names = fields.map((f) => f.name);
  expect(names.slice(0, ENVELOPE_FIELDS.length)).toEqual([...ENVELOPE_FIELDS]);
  return names.sort();
}

describe('outbox payloads against the Avro schemas', () => {
  it('every event written above is a valid record of its type and survives an Avro round trip unchanged', async () => {
    const rows = await outboxRows(h);
    expect(new Set(rows.map((r) => r.event_type))).toEqual(new Set(catalogue.storeEventTypes));
    for (const row of rows) {
      const { type } = eventSchema(row.event_type);
      const problems: string[] = [];
      const valid = type.isValid(row.payload, {
        noUndeclaredFields: true,
        errorHook: (path, value) => problems.push(`${path.join('.')}=${JSON.stringify(value)}`),
      });
      expect(valid, `${row.event_type} #${row.store_seq}: ${problems.join(', ')}`).toBe(true);
      expect(type.fromBuffer(type.toBuffer(row.payload))).toEqual(row.payload);
      // jsonb keeps no key order (Avro encodes by schema order anyway); the names must be exactly the schema's.
      expect(Object.keys(row.payload).sort()).toEqual(fieldNames(row.event_type));
    }
  });
});

describe('SaleRecorded amounts follow the schema docs (tax-inclusive prices)', () => {
  it('line_total = quantity × unit_price − discount with the tax contained in it; total = subtotal − discount', async () => {
    const sales = (await outboxRows(h)).filter((r) => r.event_type === 'SaleRecorded').map((r) => r.payload);
    expect(sales.length).toBeGreaterThan(5);
    for (const sale of sales) {
      const lines: Json[] = sale.lines;
      for (const l of lines) {
        expect(l.line_total_minor).toBe(l.quantity * l.unit_price_minor - l.discount_minor);
        // contained tax, half up: |tax·(10 000 + bp) − line_total·bp| ≤ (10 000 + bp) / 2 (ties resolved up)
        const d = BigInt(10_000 + l.tax_rate_bp);
        const diff2 = 2n * (BigInt(l.tax_minor) * d - BigInt(l.line_total_minor) * BigInt(l.tax_rate_bp));
        expect(diff2 <= d && diff2 > -d, `line ${l.line_no} of ${sale.transaction_id}`).toBe(true);
      }
      const sum = (f: string) =>
        lines.reduce((acc, l) => acc + (f === 'gross' ? l.quantity * l.unit_price_minor : l[f]), 0);
      expect(sale.subtotal_minor).toBe(sum('gross'));
      expect(sale.discount_minor).toBe(sum('discount_minor'));
      expect(sale.tax_minor).toBe(sum('tax_minor'));
      expect(sale.total_minor).toBe(sale.subtotal_minor - sale.discount_minor);
      expect(sale.total_minor).toBe(sum('line_total_minor'));
      expect(sale.item_count).toBe(sum('quantity'));
    }
  });
});
