import crypto from 'node:crypto';
import { z } from 'zod';
import { parseInput } from './parse-input.ts';
import { Refusal } from './refusal.ts';
import type { PaymentProvider, QrCallback, QrPaymentIssued, QrPaymentRequest } from './payment-provider.ts';

export const SIGNATURE_HEADER = 'x-signature';

/** `sha256=<hex>` HMAC of the exact callback bytes, as the fake provider (and tests) sign them. */
export function signCallback(rawBody: string | Buffer, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

const callbackBody = z.strictObject({
  provider_ref: z.string().min(1).max(128),
  status: z.enum(['SUCCEEDED', 'FAILED']),
  amount_minor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  reason: z.string().min(1).max(200).optional(),
});

/**
 * Built-in provider for development, demos and tests: issues a QR payload locally and trusts
 * callbacks signed with EDGE_QR_CALLBACK_SECRET. A real provider implements the same interface.
 */
export class FakeQrProvider implements PaymentProvider {
  readonly name = 'fake-qr';

  constructor(private readonly secret: string) {}

  async createQrPayment(request: QrPaymentRequest): Promise<QrPaymentIssued> {
    const provider_ref = `fqr_${crypto.randomBytes(12).toString('hex')}`;
    const params = new URLSearchParams({
      ref: provider_ref,
      store: request.store_id,
      amount: request.amount_minor.toString(),
      ccy: request.currency,
      exp: String(request.expires_at.getTime()),
    });
    return { provider_ref, qr_payload: `fakeqr://pay?${params.toString()}` };
  }

  parseCallback(rawBody: Buffer, signature: string | undefined): QrCallback {
    const expected = Buffer.from(signCallback(rawBody, this.secret));
    const given = Buffer.from(signature ?? '');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw new Refusal('INVALID_SIGNATURE', `callback signature (${SIGNATURE_HEADER}) does not match`);
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new Refusal('INVALID_JSON', 'callback body is not valid JSON');
    }
    const body = parseInput(callbackBody, json, 'body');
    return {
      provider_ref: body.provider_ref,
      outcome: body.status === 'SUCCEEDED' ? 'CAPTURED' : 'FAILED',
      amount_minor: BigInt(body.amount_minor),
      reason: body.status === 'FAILED' ? (body.reason ?? 'DECLINED_BY_PROVIDER') : null,
    };
  }
}
