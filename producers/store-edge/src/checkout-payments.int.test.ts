import { describe, expect, it } from 'vitest';
import { signCallback } from './fake-qr-provider.ts';
import { lastSeq, openSale, outboxRows, QR_SECRET } from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';

/**
 * Checkout payments over real HTTP and Postgres: card (declined, captured, split with cash), QR
 * (issued, signed callback, repeated callback, failure, cancel).
 */
const h = useHarness();

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
});
