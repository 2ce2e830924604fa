/**
 * The authority's formats: dates as yyyyMMdd, amounts as whole currency units. Pure.
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (Avro date: lot manufacture and expiry) → yyyyMMdd. */
export function dayToYmd(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** Zones and currencies come from records: past this many distinct keys a cache is dropped and refilled. */
const MAX_CACHED = 1_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED && !cache.has(key)) cache.clear();
  cache.set(key, value);
}

/**
 * The calendar day of an instant at the store (yyyyMMdd): a sale at 00:30 in Hanoi is that day's
 * document, not the previous UTC day's. Stores without a known time zone fall back to UTC.
 */
export function instantToYmd(epochMs: number, timeZone: string | null): string {
  return formatterFor(timeZone ?? 'UTC')
    .format(new Date(epochMs))
    .replaceAll('-', '');
}

/** en-CA formats as yyyy-MM-dd. A zone Intl does not know (bad reference data) falls back to UTC. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  let fmt = dateFormats.get(zone);
  if (!fmt) {
    const options = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    try {
      fmt = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: zone });
    } catch {
      fmt = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' });
    }
    remember(dateFormats, zone, fmt);
  }
  return fmt;
}

const fractionDigits = new Map<string, number>();

/** Minor units → whole units of the currency (VND has none, so the same number); rounded to an integer. */
export function toWholeUnits(minor: number, currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 0;
    } catch {
      digits = 0;
    }
    remember(fractionDigits, currency, digits);
  }
  return Math.round(minor / 10 ** digits);
}

/**
 * Splits an amount over parts in proportion to their weights (lot quantities), in integers that
 * add up to the amount exactly: floors first, the remainder to the largest fractions (ties to the
 * earlier part), so a line's thanh_tien over its lots always sums to the line total.
 */
export function splitByWeights(amount: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (total <= 0) return weights.map((_, i) => (i === 0 ? amount : 0));
  const exact = weights.map((w) => (amount * w) / total);
  const parts = exact.map(Math.floor);
  let rest = amount - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]!.i]! += 1;
  return parts;
}
