import type { RefusalCode } from './refusal.ts';

/**
 * A payment attempt: CASH and CARD settle at once; QR starts PENDING and is settled by the
 * provider's callback (or cancelled by the store). Settled states are final.
 */
export const PAYMENT_METHODS = ['CASH', 'CARD', 'QR'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_STATUSES = ['PENDING', 'CAPTURED', 'FAILED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type SettleDecision =
  | { kind: 'apply' }
  /** The same outcome again (a provider retrying its callback): answer as before, change nothing. */
  | { kind: 'repeat' }
  | { kind: 'refuse'; code: RefusalCode; message: string };

export function decideSettle(current: PaymentStatus, outcome: 'CAPTURED' | 'FAILED'): SettleDecision {
  if (current === 'PENDING') return { kind: 'apply' };
  if (current === outcome) return { kind: 'repeat' };
  return {
    kind: 'refuse',
    code: 'PAYMENT_ALREADY_SETTLED',
    message: `payment is already ${current}; a ${outcome} outcome cannot replace it`,
  };
}
