import crypto from 'node:crypto';

/** The back-office terminal of each store: goods receipts and stock counts, never checkouts. */
export const BACK_OFFICE_TERMINAL = 'BO1';

/** Till ids of a store: T01, T02, … (valid store-edge terminal ids). */
export function terminalIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `T${String(i + 1).padStart(2, '0')}`);
}

/**
 * A terminal's bearer token, derived from one per-run secret: the host (which configures each
 * store edge with the token hashes) and the simulator (which presents the tokens) compute the same
 * tokens without a token file or an endpoint that hands tokens out. The demo generates the secret
 * per run, so no token is ever committed or reused.
 */
export function terminalToken(secret: string, storeId: string, terminalId: string): string {
  const mac = crypto.createHmac('sha256', secret).update(`${storeId}:${terminalId}`).digest('base64url');
  return `tt_${mac}`;
}
