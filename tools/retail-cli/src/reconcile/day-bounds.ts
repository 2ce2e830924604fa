import { localDateString, localDayBounds } from '@retail-stream/runtime';

/** A store's local day: `date` (YYYY-MM-DD) in `timezone`, as [start, end) instants. */
export interface StoreDay {
  date: string;
  timezone: string;
  start: Date;
  end: Date;
}

/** The local day `date` of a store in `timezone` (the KPI stage's own day arithmetic). Pure. */
export function storeDay(date: string, timezone: string): StoreDay {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`--date: YYYY-MM-DD expected, got ${date}`);
  // Noon UTC of that date lies inside the local day of every zone from UTC−11 to UTC+11; zones
  // further out (e.g. UTC+14) would shift by one, so walk to the day whose local date is `date`.
  let probe = Date.parse(`${date}T12:00:00Z`);
  for (let i = 0; i < 3; i++) {
    const local = localDateString(probe, timezone);
    if (local === date) break;
    probe += local < date ? 12 * 3_600_000 : -12 * 3_600_000;
  }
  const { start, end } = localDayBounds(probe, timezone);
  return { date, timezone, start: new Date(start), end: new Date(end) };
}
