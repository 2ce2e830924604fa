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
  // ── authenticated HTTP surfaces ──
  // ── bounded resources and PII ──
} as const satisfies ErrorSection;
