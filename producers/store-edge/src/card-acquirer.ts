import crypto from 'node:crypto';

export interface CardAuthorization {
  payment_id: string;
  amount_minor: bigint;
  currency: string;
  /** Opaque token from the card reader; the store never sees a card number. */
  card_token: string;
}

export type CardResult = { approved: true; provider_ref: string } | { approved: false; reason: string };

/** The card reader/acquirer: CARD payments are authorised and captured in one synchronous step. */
export interface CardAcquirer {
  authorizeAndCapture(request: CardAuthorization): Promise<CardResult>;
}

/** Approves every card except configured test tokens, so declines (PaymentFailed) can be produced on demand. */
export class FakeCardAcquirer implements CardAcquirer {
  private readonly declined: ReadonlySet<string>;

  constructor(declineTokens: readonly string[]) {
    this.declined = new Set(declineTokens);
  }

  async authorizeAndCapture(request: CardAuthorization): Promise<CardResult> {
    if (this.declined.has(request.card_token)) return { approved: false, reason: 'CARD_DECLINED' };
    return { approved: true, provider_ref: `fcard_${crypto.randomBytes(8).toString('hex')}` };
  }
}
