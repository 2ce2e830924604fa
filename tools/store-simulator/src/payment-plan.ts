export type PaymentMethod = 'CASH' | 'CARD' | 'QR';

export interface PaymentMix {
  /** Relative shares of the first method tried. */
  cash: number;
  card: number;
  qr: number;
  /** Share of card attempts the acquirer declines (token tok_declined). */
  cardDeclineRate: number;
  /** Share of QR payments the provider reports FAILED. */
  qrFailRate: number;
}

export const DEFAULT_PAYMENT_MIX: PaymentMix = {
  cash: 0.45,
  card: 0.35,
  qr: 0.2,
  cardDeclineRate: 0.08,
  qrFailRate: 0.03,
};

/** The store edge's fake acquirer declines exactly these tokens (CARD_DECLINE_TOKENS default). */
export const DECLINED_CARD_TOKEN = 'tok_declined';

export interface PaymentAttempt {
  method: PaymentMethod;
  /** What the simulated customer/provider does: pay, be declined (card), or fail in the QR app. */
  outcome: 'captured' | 'declined' | 'failed';
  /** CARD only. */
  cardToken?: string;
}

function firstMethod(random: () => number, mix: PaymentMix): PaymentMethod {
  const total = mix.cash + mix.card + mix.qr;
  const u = random() * total;
  if (u < mix.cash) return 'CASH';
  if (u < mix.cash + mix.card) return 'CARD';
  return 'QR';
}

function goodCard(random: () => number): string {
  return `tok_ok_${Math.floor(random() * 1e6)
    .toString(36)
    .padStart(4, '0')}`;
}

/**
 * The sequence of payment attempts for one sale; only the last one captures. A declined card is
 * followed by another card or a different method; a failed QR by cash. At most three attempts.
 */
export function planPayments(random: () => number, mix: PaymentMix = DEFAULT_PAYMENT_MIX): PaymentAttempt[] {
  const method = firstMethod(random, mix);
  if (method === 'CARD') {
    if (random() >= mix.cardDeclineRate)
      return [{ method, outcome: 'captured', cardToken: goodCard(random) }];
    const declined: PaymentAttempt = { method, outcome: 'declined', cardToken: DECLINED_CARD_TOKEN };
    const u = random();
    const retry: PaymentAttempt =
      u < 0.4
        ? { method: 'CARD', outcome: 'captured', cardToken: goodCard(random) }
        : u < 0.8
          ? { method: 'CASH', outcome: 'captured' }
          : { method: 'QR', outcome: 'captured' };
    return [declined, retry];
  }
  if (method === 'QR' && random() < mix.qrFailRate) {
    return [
      { method, outcome: 'failed' },
      { method: 'CASH', outcome: 'captured' },
    ];
  }
  return [{ method, outcome: 'captured' }];
}

/** Cash handed over: the next multiple of 10,000 (VND has no coins in use) or the exact amount. */
export function cashTendered(due: number, random: () => number): number {
  if (random() < 0.3) return due;
  const note = 10_000;
  return Math.ceil(due / note) * note + (random() < 0.3 ? note * 5 : 0);
}
