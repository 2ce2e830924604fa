const digitsCache = new Map<string, number>();

/** Minor-unit exponent of an ISO currency as Intl knows it: VND 0, USD 2, KWD 3. */
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits as number;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

/**
 * Integer minor units as a decimal string without going through a float, so 1234567890123 VND or
 * 1999 USD print exactly ("1999" → "19.99").
 */
export function minorToDecimalString(minor: number, digits: number): string {
  const neg = minor < 0;
  const abs = BigInt(Math.abs(Math.trunc(minor))).toString();
  if (digits === 0) return (neg ? '-' : '') + abs;
  const padded = abs.padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

export function formatMoney(minor: number | null | undefined, currency: string | null | undefined): string {
  if (minor === null || minor === undefined || !currency) return '—';
  const digits = currencyDigits(currency);
  let fmt: Intl.NumberFormat;
  try {
    fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  } catch {
    return `${minorToDecimalString(minor, digits)} ${currency}`;
  }
  // Intl formats decimal strings exactly (no float rounding of large amounts).
  return fmt.format(minorToDecimalString(minor, digits) as unknown as number);
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat('en-US').format(n);
}

export function formatRatePerMin(r: number | null | undefined): string {
  if (r === null || r === undefined) return '—';
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(r)}/min`;
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

/** "12 s ago", "3 min ago", "2 h ago"; for the freshness line and offline stores. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'never';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** HH:MM of an instant in the viewer's time zone, for chart axes. */
export function formatClock(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(
    new Date(iso),
  );
}
