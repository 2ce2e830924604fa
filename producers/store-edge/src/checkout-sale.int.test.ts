import { describe, expect, it } from 'vitest';
import { pseudonymiseCustomer } from './customer-pseudonym.ts';
import { UUID_PATTERN } from './uuid-v7.ts';
import {
  HMAC_KEY,
  lastSeq,
  onHand,
  openSale,
  outboxRows,
  product,
  START_STOCK,
  type Json,
} from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';

/**
 * Checkout, the sale itself: open, scan, reprice, pay cash and finalize over real HTTP and Postgres,
 * with the exact events; answers built without re-reading; customer pseudonyms; the stock policy.
 * Payments: checkout-payments; voids and refunds: checkout-returns; stock and reports: checkout-day.
 */
const h = useHarness();

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('checkout through real HTTP and Postgres', () => {
  it('cash: open → scan → totals → pay → finalize writes PaymentCaptured + SaleRecorded with consecutive store_seq', async () => {
    const before = await lastSeq(h);
    const sale = await openSale(h, [
      ['SKU-A', 2],
      ['SKU-C', 1],
      ['SKU-A', 1], // scanning again adds to the line
    ]);
    expect(sale.lines.map((l: Json) => [l.line_no, l.sku, l.quantity])).toEqual([
      [1, 'SKU-A', 3],
      [2, 'SKU-C', 1],
    ]);

    const totals = await h.call('GET', `/v1/transactions/${sale.id}/totals`);
    expect(totals.status).toBe(200);
    // Shelf prices include VAT; the tax is the part of each line total that is VAT, half up per line.
    // A: 3 × 10 000 = 30 000, 10% contained = 30 000 / 11 = 2 727.27 → 2 727
    // C: 3 333, 5% contained = 3 333 / 21 = 158.71 → 159;  total = subtotal − discount = 33 333
    expect(totals.body).toMatchObject({
      subtotal_minor: 33_333,
      discount_minor: 0,
      tax_minor: 2_886,
      total_minor: 33_333,
      item_count: 4,
      due_minor: 33_333,
      prices_include_tax: true,
    });
    expect(
      totals.body.lines.map((l: Json) => [l.gross_minor, l.net_minor, l.tax_minor, l.line_total_minor]),
    ).toEqual([
      [30_000, 27_273, 2_727, 30_000],
      [3_333, 3_174, 159, 3_333],
    ]);

    const pay = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      body: { method: 'CASH', tendered_minor: 50_000 },
      headers: { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` },
    });
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({
      method: 'CASH',
      status: 'CAPTURED',
      amount_minor: 33_333,
      tendered_minor: 50_000,
      change_minor: 16_667,
    });
    expect(pay.headers.get('x-trace-id')).toBe(TRACE);
    // W3C: the response names the request's span, a child of the caller's (same trace).
    const payTraceparent = pay.headers.get('traceparent') ?? '';
    expect(payTraceparent).toMatch(new RegExp(`^00-${TRACE}-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$`));

    const fin = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, {
      headers: { 'x-trace-id': 'till-1-trace-0001' },
    });
    expect(fin.status).toBe(200);
    expect(fin.body).toMatchObject({ status: 'PAID', paid_minor: 33_333, due_minor: 0 });
    expect(await onHand(h, 'SKU-A')).toBe(START_STOCK - 3);
    expect(await onHand(h, 'SKU-C')).toBe(START_STOCK - 1);

    const events = (await outboxRows(h)).filter((e) => e.store_seq > before);
    expect(events.map((e) => [e.store_seq, e.event_type])).toEqual([
      [before + 1, 'PaymentCaptured'],
      [before + 2, 'SaleRecorded'],
    ]);
    // Each row keeps its request's traceparent for the relay to continue (migrations/0006): the
    // payment's is the payment request's span; the till without traceparent got a new trace.
    expect(events[0]!.traceparent).toBe(payTraceparent);
    expect(events[1]!.traceparent).toBe(fin.headers.get('traceparent'));
    expect(events[1]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const [captured, recorded] = events.map((e) => e.payload);
    expect(captured).toEqual({
      event_id: events[0]!.event_id,
      event_type: 'PaymentCaptured',
      store_id: h.storeId,
      terminal_id: 'T1',
      cashier_id: 'C-T1',
      store_seq: before + 1,
      occurred_at: expect.any(Number),
      trace_id: TRACE,
      transaction_id: sale.id,
      payment_id: pay.body.id,
      method: 'CASH',
      amount_minor: 33_333,
      currency: 'VND',
      provider_ref: null,
      enrichment: null,
    });
    expect(recorded).toEqual({
      event_id: expect.stringMatching(UUID_PATTERN),
      event_type: 'SaleRecorded',
      store_id: h.storeId,
      terminal_id: 'T1',
      cashier_id: 'C-T1',
      store_seq: before + 2,
      occurred_at: expect.any(Number),
      trace_id: 'till-1-trace-0001',
      transaction_id: sale.id,
      currency: 'VND',
      subtotal_minor: 33_333,
      discount_minor: 0,
      tax_minor: 2_886,
      total_minor: 33_333,
      item_count: 4,
      customer_ref: null,
      prescription_code: null,
      lines: [
        {
          line_no: 1,
          sku: 'SKU-A',
          barcode: product('SKU-A').barcode,
          product_name: 'Instant noodles',
          category: 'Food',
          quantity: 3,
          unit_price_minor: 10_000,
          discount_minor: 0,
          tax_rate_bp: 1000,
          tax_minor: 2_727,
          line_total_minor: 30_000,
          lots: [],
        },
        {
          line_no: 2,
          sku: 'SKU-C',
          barcode: product('SKU-C').barcode,
          product_name: 'Rice 1kg',
          category: 'Food',
          quantity: 1,
          unit_price_minor: 3_333,
          discount_minor: 0,
          tax_rate_bp: 500,
          tax_minor: 159,
          line_total_minor: 3_333,
          lots: [],
        },
      ],
      stock: [
        { sku: 'SKU-A', delta: -3, on_hand_after: START_STOCK - 3, lots: [] },
        { sku: 'SKU-C', delta: -1, on_hand_after: START_STOCK - 1, lots: [] },
      ],
      enrichment: null,
    });
    expect(Math.abs(recorded.occurred_at - Date.now())).toBeLessThan(60_000);
  });

  it('line changes and discounts reprice the basket; lines lock once payment starts', async () => {
    const sale = await openSale(h, [
      ['SKU-B', 2],
      ['SKU-E', 1],
    ]);
    const changed = await h.call('PATCH', `/v1/transactions/${sale.id}/lines/1`, {
      body: { quantity: 3, discount_minor: 1_500 },
    });
    expect(changed.status).toBe(200);
    // B: 3 × 25 500 = 76 500 − 1 500 = 75 000, 8% contained = 75 000 × 800 / 10 800 = 5 555.56 → 5 556
    // E: 18 000, 10% contained = 18 000 / 11 = 1 636.36 → 1 636;  total = 94 500 − 1 500 = 93 000
    expect(changed.body.totals).toEqual({
      subtotal_minor: 94_500,
      discount_minor: 1_500,
      tax_minor: 7_192,
      total_minor: 93_000,
      item_count: 4,
    });
    expect(changed.body.lines.map((l: Json) => [l.tax_minor, l.line_total_minor])).toEqual([
      [5_556, 75_000],
      [1_636, 18_000],
    ]);
    const removed = await h.call('DELETE', `/v1/transactions/${sale.id}/lines/2`);
    expect(removed.status).toBe(200);
    expect(removed.body.totals).toMatchObject({ tax_minor: 5_556, total_minor: 75_000 });

    expect(
      (
        await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
          body: { method: 'CASH', amount_minor: 1_000 },
        })
      ).status,
    ).toBe(201);
    const locked = await h.call('PATCH', `/v1/transactions/${sale.id}/lines/1`, { body: { quantity: 1 } });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('PAYMENT_STARTED');
  });

  it('pseudonymises customer ids: only the HMAC is stored or emitted', async () => {
    const raw = '0901234567';
    const sale = await openSale(h, [['SKU-A', 1]], 'T1', { customer_id: raw });
    const ref = pseudonymiseCustomer(raw, HMAC_KEY);
    expect(sale.customer_ref).toBe(ref);
    await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } });
    const fin = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, {
      body: { customer_id: ` ${raw} ` },
    });
    expect(fin.body.customer_ref).toBe(ref);
    const ev = (await outboxRows(h)).find(
      (e) => e.payload.transaction_id === sale.id && e.event_type === 'SaleRecorded',
    )!;
    expect(ev.payload.customer_ref).toBe(ref);
    const { rows } = await h.db.query(
      `SELECT count(*)::int AS n FROM (
         SELECT payload::text AS t FROM outbox UNION ALL SELECT row_to_json(x)::text FROM transactions x
         UNION ALL SELECT response_body FROM idempotency_keys) all_text WHERE t LIKE $1`,
      [`%${raw}%`],
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('write responses are built without re-reading the sale', () => {
  it('every answer equals a fresh GET of the same sale or payment, byte for byte', async () => {
    const sameAsGet = async (res: { status: number; text: string; body: Json }, path: string) => {
      expect(res.status, res.text).toBeLessThan(300);
      const fresh = await h.call('GET', path);
      expect(fresh.status).toBe(200);
      expect(res.text).toBe(fresh.text);
    };
    const open = await h.call('POST', '/v1/transactions', {
      terminal: 'T3',
      body: { cashier_id: 'C-T3', customer_id: 'cust-42' },
    });
    const id = open.body.id as string;
    const tx = `/v1/transactions/${id}`;
    await sameAsGet(open, tx);
    for (const [sku, quantity, discount] of [
      ['SKU-B', 2, 0],
      ['SKU-A', 1, 500],
      ['SKU-B', 1, 1_000], // same SKU again: adds to line 1 and its discount
      ['SKU-C', 3, 0],
    ] as const) {
      const added = await h.call('POST', `${tx}/items`, {
        terminal: 'T3',
        body: { barcode: product(sku).barcode, quantity, discount_minor: discount },
      });
      await sameAsGet(added, tx);
    }
    await sameAsGet(await h.call('PATCH', `${tx}/lines/2`, { terminal: 'T3', body: { quantity: 4 } }), tx);
    await sameAsGet(await h.call('DELETE', `${tx}/lines/3`, { terminal: 'T3' }), tx);
    const added = await h.call('POST', `${tx}/items`, {
      terminal: 'T3',
      body: { barcode: product('SKU-C').barcode },
    });
    expect(added.body.lines.map((l: Json) => l.line_no)).toEqual([1, 2, 4]);
    await sameAsGet(added, tx);
    const cash = await h.call('POST', `${tx}/payments`, {
      terminal: 'T3',
      body: { method: 'CASH', amount_minor: 10_000, tendered_minor: 20_000 },
    });
    await sameAsGet(cash, `/v1/payments/${cash.body.id}`);
    const card = await h.call('POST', `${tx}/payments`, {
      terminal: 'T3',
      body: { method: 'CARD', card_token: 'tok_ok' },
    });
    await sameAsGet(card, `/v1/payments/${card.body.id}`);
    const done = await h.call('POST', `${tx}/finalize`, { terminal: 'T3', body: { customer_id: 'cust-43' } });
    expect(done.body.status).toBe('PAID');
    await sameAsGet(done, tx);
  });
});

describe('EDGE_INSUFFICIENT_STOCK_POLICY=reject', () => {
  const strict = useHarness({ EDGE_INSUFFICIENT_STOCK_POLICY: 'reject' });

  it('refuses a sale beyond stock with 409 and leaves no trace', async () => {
    const sale = await openSale(strict, [
      ['SKU-A', 1],
      ['SKU-B', START_STOCK + 1],
    ]);
    await strict.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } });
    const seq = await lastSeq(strict);
    const fin = await strict.call('POST', `/v1/transactions/${sale.id}/finalize`);
    expect(fin.status).toBe(409);
    expect(fin.body.error).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      message: expect.stringContaining('SKU-B'),
    });
    expect(await lastSeq(strict)).toBe(seq);
    expect(await onHand(strict, 'SKU-A')).toBe(START_STOCK);
    expect((await strict.call('GET', `/v1/transactions/${sale.id}`)).body.status).toBe('DRAFT');
  });
});
