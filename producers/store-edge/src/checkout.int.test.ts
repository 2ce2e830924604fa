import { waitFor } from '@retail-stream/runtime/testing';
import { catalogue, ENVELOPE_FIELDS, eventSchema } from '@retail-stream/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymiseCustomer } from './customer-pseudonym.ts';
import { signCallback } from './fake-qr-provider.ts';
import { UUID_PATTERN } from './uuid-v7.ts';
import {
  HMAC_KEY,
  lastSeq,
  onHand,
  openSale,
  outboxRows,
  product,
  QR_SECRET,
  START_STOCK,
  startHarness,
  type Harness,
  type Json,
} from '../test/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function qrCallback(
  providerRef: string,
  amount: number,
  status: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED',
  secret = QR_SECRET,
) {
  const rawBody = JSON.stringify({ provider_ref: providerRef, status, amount_minor: amount });
  return h.call('POST', '/v1/payments/qr/callback', {
    token: null,
    key: null,
    rawBody,
    headers: { 'x-signature': signCallback(rawBody, secret) },
  });
}

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
        },
      ],
      stock: [
        { sku: 'SKU-A', delta: -3, on_hand_after: START_STOCK - 3 },
        { sku: 'SKU-C', delta: -1, on_hand_after: START_STOCK - 1 },
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

  it('card: a declined card records PaymentFailed (402), a second card captures, split with cash', async () => {
    const before = await lastSeq(h);
    const sale = await openSale(h, [['SKU-D', 1]], 'T2');
    const declined = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      terminal: 'T2',
      body: { method: 'CARD', card_token: 'tok_declined' },
    });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({
      error: { code: 'CARD_DECLINED' },
      payment: { status: 'FAILED', amount_minor: 1_000_000 },
    });
    const cash = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      terminal: 'T2',
      body: { method: 'CASH', amount_minor: 200_000 },
    });
    expect(cash.status).toBe(201);
    const card = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      terminal: 'T2',
      body: { method: 'CARD', card_token: 'tok_visa' },
    });
    expect(card.status).toBe(201);
    expect(card.body).toMatchObject({
      status: 'CAPTURED',
      amount_minor: 800_000,
      provider_ref: expect.stringMatching(/^fcard_/),
    });
    const over = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      terminal: 'T2',
      body: { method: 'CASH', amount_minor: 1 },
    });
    expect(over.status).toBe(409);
    expect((await h.call('POST', `/v1/transactions/${sale.id}/finalize`, { terminal: 'T2' })).status).toBe(
      200,
    );

    const events = (await outboxRows(h)).filter((e) => e.store_seq > before);
    expect(events.map((e) => e.event_type)).toEqual([
      'PaymentFailed',
      'PaymentCaptured',
      'PaymentCaptured',
      'SaleRecorded',
    ]);
    expect(events[0]!.payload).toMatchObject({
      method: 'CARD',
      reason: 'CARD_DECLINED',
      amount_minor: 1_000_000,
      terminal_id: 'T2',
    });
    expect(events[2]!.payload).toMatchObject({
      method: 'CARD',
      provider_ref: card.body.provider_ref,
      amount_minor: 800_000,
    });
  });

  it('QR: issued PENDING, finalize waits, a signed callback captures (repeat is harmless), then finalize', async () => {
    const before = await lastSeq(h);
    const sale = await openSale(h, [['SKU-B', 1]], 'T3');
    const qr = await h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      terminal: 'T3',
      body: { method: 'QR' },
    });
    expect(qr.status).toBe(201);
    expect(qr.body).toMatchObject({
      method: 'QR',
      status: 'PENDING',
      amount_minor: 25_500,
      qr_payload: expect.stringMatching(/^fakeqr:\/\/pay\?/),
    });
    expect(await lastSeq(h)).toBe(before); // issuing a QR is not an event

    const early = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, { terminal: 'T3' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('PAYMENT_PENDING');

    const forged = await qrCallback(qr.body.provider_ref, 25_500, 'SUCCEEDED', 'not-the-secret-at-all');
    expect(forged.status).toBe(401);
    expect((await qrCallback(qr.body.provider_ref, 25_000)).status).toBe(400);
    expect((await qrCallback('fqr_unknown', 25_500)).status).toBe(404);

    const ok = await qrCallback(qr.body.provider_ref, 25_500);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: qr.body.id, status: 'CAPTURED' });
    const again = await qrCallback(qr.body.provider_ref, 25_500);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('CAPTURED');
    const contradicting = await qrCallback(qr.body.provider_ref, 25_500, 'FAILED');
    expect(contradicting.status).toBe(409);

    expect((await h.call('POST', `/v1/transactions/${sale.id}/finalize`, { terminal: 'T3' })).status).toBe(
      200,
    );
    const events = (await outboxRows(h)).filter((e) => e.store_seq > before);
    expect(events.map((e) => [e.store_seq - before, e.event_type])).toEqual([
      [1, 'PaymentCaptured'],
      [2, 'SaleRecorded'],
    ]);
    expect(events[0]!.payload).toMatchObject({
      method: 'QR',
      provider_ref: qr.body.provider_ref,
      terminal_id: 'T3',
      amount_minor: 25_500,
    });
  });

  it('QR failure and cancel leave the sale open for another tender', async () => {
    const sale = await openSale(h, [['SKU-E', 1]]);
    const qr = await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'QR' } });
    const failed = await qrCallback(qr.body.provider_ref, 18_000, 'FAILED');
    expect(failed.body).toMatchObject({ status: 'FAILED', failure_reason: 'DECLINED_BY_PROVIDER' });
    const qr2 = await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'QR' } });
    const cancelled = await h.call('POST', `/v1/payments/${qr2.body.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'FAILED', failure_reason: 'CANCELLED' });
    expect(
      (await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } })).status,
    ).toBe(201);
    expect((await h.call('POST', `/v1/transactions/${sale.id}/finalize`)).body.status).toBe('PAID');
    const late = await qrCallback(qr2.body.provider_ref, 18_000);
    expect(late.status).toBe(409);
  });

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

describe('EDGE_INSUFFICIENT_STOCK_POLICY=reject', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({ EDGE_INSUFFICIENT_STOCK_POLICY: 'reject' });
  });
  afterAll(async () => {
    await strict?.close();
  });

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
