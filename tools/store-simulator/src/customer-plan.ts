import { DECLINED_CARD_TOKEN, type PaymentAttempt } from './payment-plan.ts';

/**
 * What one customer at a till does. Usually drawn from the till's seeded stream at the behaviour's
 * rates; a script names customers outright, so a test (or a demo) gets exactly the cases it asks
 * for instead of hoping that a random run of a few seconds happened to produce them.
 */
export type CustomerPlan =
  | {
      kind: 'checkout';
      /** The attempts in order, the last one capturing; unset: drawn from the payment mix. */
      payments?: PaymentAttempt[];
      /** Abandon the basket before paying, or void the sale right after it was paid. */
      void?: 'before_payment' | 'after_payment';
      /** Pharmacies only: dispensed against a prescription or not; unset: drawn at the pharmacy's rate. */
      prescription?: boolean;
    }
  | {
      kind: 'refund';
      /** true: everything still refundable of a recent sale of this till; false: part of one line. */
      whole: boolean;
    };

/**
 * One of every case a store's data can hold: a card declined then cash, a QR payment failed in
 * the app then cash, a captured card and QR, a basket abandoned, a paid sale voided, a part
 * refund and a whole refund (the refunds need the paid sales before them).
 */
export function everyCaseScript(): CustomerPlan[] {
  return [
    {
      kind: 'checkout',
      payments: [
        { method: 'CARD', outcome: 'declined', cardToken: DECLINED_CARD_TOKEN },
        { method: 'CASH', outcome: 'captured' },
      ],
    },
    {
      kind: 'checkout',
      payments: [
        { method: 'QR', outcome: 'failed' },
        { method: 'CASH', outcome: 'captured' },
      ],
    },
    { kind: 'checkout', payments: [{ method: 'CARD', outcome: 'captured', cardToken: 'tok_ok_script' }] },
    { kind: 'checkout', payments: [{ method: 'QR', outcome: 'captured' }] },
    { kind: 'checkout', void: 'before_payment' },
    { kind: 'checkout', payments: [{ method: 'CASH', outcome: 'captured' }], void: 'after_payment' },
    { kind: 'refund', whole: false },
    { kind: 'refund', whole: true },
  ];
}
