import crypto from 'node:crypto';

/**
 * Loyalty ids (phone numbers, card numbers) are personal data; only a keyed hash of them may leave
 * the till. Keyed, so HQ can join a customer's visits across stores without being able to reverse
 * or brute-force the short id space (every store uses the chain's one key, held by HQ and handed
 * to the store edges); trimmed, so " 0901234567" and "0901234567" are one customer.
 *
 * Rotation: the key may carry an id, `EDGE_CUSTOMER_HMAC_KEY=<id>:<secret>` (id 1-8 of [a-z0-9]),
 * and the pseudonym then starts with it, `<id>.<64 hex>`, so pseudonyms of two keys coexist in HQ
 * tables without colliding and a reader knows which key made each. A key without an id gives the
 * bare 64 hex of the first key (every pseudonym written before ids existed).
 */
export function pseudonymiseCustomer(customerId: string, key: string): string {
  const { keyId, secret } = parseCustomerKey(key);
  const digest = crypto.createHmac('sha256', secret).update(customerId.trim()).digest('hex');
  return keyId === undefined ? digest : `${keyId}.${digest}`;
}

const KEY_WITH_ID = /^([a-z0-9]{1,8}):(.+)$/s;

/** `<id>:<secret>` or a bare secret (see pseudonymiseCustomer). */
export function parseCustomerKey(key: string): { keyId: string | undefined; secret: string } {
  const m = KEY_WITH_ID.exec(key);
  return m ? { keyId: m[1]!, secret: m[2]! } : { keyId: undefined, secret: key };
}

/**
 * What a customer_ref must look like: an optional key id and a lowercase hex digest, 64 digits
 * (HMAC-SHA256) or 32 (a 128-bit pseudonym, what test fixtures generate). A phone number
 * ("+84901234567", "0901234567"), a card number or a name never matches: none is 32+ hex digits.
 */
export const CUSTOMER_PSEUDONYM = /^(?:[a-z0-9]{1,8}\.)?(?:[0-9a-f]{64}|[0-9a-f]{32})$/;

/** Why `ref` is not a pseudonym (never echoing it: it may be personal data), or undefined. */
export function customerRefProblem(ref: string | null | undefined): string | undefined {
  if (ref === null || ref === undefined) return undefined;
  if (CUSTOMER_PSEUDONYM.test(ref)) return undefined;
  const looksLikePhone = /^\+?[0-9 ()-]{6,20}$/.test(ref);
  return (
    `customer_ref: not a pseudonym (${ref.length} characters${looksLikePhone ? ', looks like a phone or card number' : ''}); ` +
    'send the store edge HMAC ([<key id>.]<64 lowercase hex>), never the raw customer id'
  );
}
