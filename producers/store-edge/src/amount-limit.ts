import { MAX_MINOR } from './http/schemas.ts';
import { Refusal } from './refusal.ts';

/**
 * The largest amount the store records, for computed amounts as much as for requested ones: a unit
 * amount times a quantity, or a sum of lines, can pass it although every input is within its own
 * limit (10^12 × 10^6 units overflows both a double's exact range and, summed, Postgres bigint and
 * the Avro long). Such a request is the client's mistake: 400 AMOUNT_OUT_OF_RANGE before anything
 * is written, never a 500 from the database or the JSON encoder.
 */
export const MAX_AMOUNT_MINOR = BigInt(MAX_MINOR);

/** `amount` if it is within MAX_AMOUNT_MINOR; else a Refusal naming `what` and the offending field. */
export function withinAmountLimit(amount: bigint, what: string, field: string | null): bigint {
  if (amount > MAX_AMOUNT_MINOR) {
    throw new Refusal(
      'AMOUNT_OUT_OF_RANGE',
      `${what} of ${amount} minor units is above the largest amount the store records (${MAX_MINOR})`,
      field,
    );
  }
  return amount;
}
