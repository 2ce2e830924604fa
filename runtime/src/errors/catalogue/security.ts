import type { ErrorSection } from './entry.ts';

/**
 * Deny-by-default controls (docs/security.md): Kafka authentication and ACLs, signed store events,
 * store epochs, cross-store write refusals, authenticated HTTP surfaces, bounded resources and PII.
 * Grouped by control; each group is owned by the code that raises it.
 */
export const securityErrors = {
  // ── kafka authentication and ACLs ──
  // ── signed store events ──
  // ── store sequence and epochs ──
  // ── cross-store writes and production config ──
  CROSS_STORE_EVENT_ID: {
    retriable: false,
    meaning:
      "An event's id is already in the HQ inbox for another store (a store replaying or forging another store's event).",
    action:
      'Security incident: find the sending store in the dead letter (store_id) and check its relay and key; nothing of the other store changed.',
  },
  CROSS_STORE_TRANSACTION_ID: {
    retriable: false,
    meaning: 'An event names a transaction id that the Cassandra projections already hold for another store.',
    action:
      "Security incident: find the sending store in the dead letter (store_id) and check its relay and key; the owning store's row is unchanged.",
  },
  AMOUNT_OUT_OF_RANGE: {
    retriable: false,
    http: 400,
    meaning:
      'A line amount or total (unit amount × quantity, or their sum) is above the largest amount the store records.',
    action:
      'Client bug or typo: check the unit amounts and quantities; split a very large delivery into several receipts.',
  },
  // ── authenticated HTTP surfaces ──
  // ── bounded resources and PII ──
} as const satisfies ErrorSection;
