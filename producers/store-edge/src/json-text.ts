/**
 * JSON text for API responses, stored idempotent answers and event payloads. Money is bigint in
 * the domain; on the wire it is a JSON number (what the Avro `long` fields and every JSON client
 * expect), refused when it would not survive a round trip through a double.
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? toSafeNumber(v) : v));
}

export function toSafeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount ${v} is outside the exactly representable JSON range`);
  }
  return Number(v);
}
