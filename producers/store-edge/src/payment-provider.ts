/**
 * A QR payment provider (VietQR/MoMo/ZaloPay style): the store asks for a QR code for an amount,
 * the customer pays in their app, and the provider later calls the store back with the outcome.
 * The store never waits for the customer inside a database transaction: the payment is PENDING
 * until the callback settles it.
 */
export interface QrPaymentRequest {
  payment_id: string;
  store_id: string;
  amount_minor: bigint;
  currency: string;
  expires_at: Date;
}

export interface QrPaymentIssued {
  provider_ref: string;
  /** What the terminal renders as a QR code. */
  qr_payload: string;
}

export interface QrCallback {
  provider_ref: string;
  outcome: 'CAPTURED' | 'FAILED';
  amount_minor: bigint;
  reason: string | null;
}

export interface PaymentProvider {
  readonly name: string;
  createQrPayment(request: QrPaymentRequest): Promise<QrPaymentIssued>;
  /**
   * Authenticates and parses a callback from its exact bytes (signatures are over bytes, not over
   * re-serialised JSON). Throws a Refusal (INVALID_SIGNATURE, INVALID_JSON, INVALID_INPUT).
   */
  parseCallback(rawBody: Buffer, signature: string | undefined): QrCallback;
}
