/**
 * The store-local calendar day (YYYY-MM-DD) of an instant: in the store's IANA time zone from
 * `enrichment.timezone`, or UTC when the zone is unknown (store not in retail.ref.stores) or not a
 * zone this runtime knows. A day is what a store manager means by "today's sales".
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(timeZone);
  if (f) return f;
  try {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    return undefined;
  }
  if (formatters.size > 1_000) formatters.clear();
  formatters.set(timeZone, f);
  return f;
}

export function storeDay(occurredAtMs: number, timeZone: string | null | undefined): string {
  const f = (timeZone && formatterFor(timeZone)) || formatterFor('UTC')!;
  return f.format(new Date(occurredAtMs));
}
