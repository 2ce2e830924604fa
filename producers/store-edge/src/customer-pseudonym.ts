import crypto from 'node:crypto';

/**
 * Loyalty ids (phone numbers, card numbers) are personal data; only a keyed hash leaves the
 * request. Keyed, so HQ can join a customer's visits across stores without being able to reverse
 * or brute-force the short id space; trimmed, so " 0901234567" and "0901234567" are one customer.
 */
export function pseudonymiseCustomer(customerId: string, key: string): string {
  return crypto.createHmac('sha256', key).update(customerId.trim()).digest('hex');
}
