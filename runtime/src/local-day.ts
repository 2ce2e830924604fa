/**
 * Local calendar days in IANA time zones, DST-correct through Intl.DateTimeFormat (no tz database
 * of our own). A day is [local midnight, next local midnight) as UTC epoch milliseconds, so a
 * DST-change day is 23 or 25 hours long, and a zone whose midnight is skipped starts the day at the
 * first instant that carries the new date.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const validity = new Map<string, boolean>();
/**
 * Zone names come from reference data, i.e. from outside: past this many distinct zones (there are
 * ~600 IANA zones) a cache is dropped and refilled, so junk zone names cannot grow memory forever.
 * A plain clear keeps the hot path a single Map lookup.
 */
const MAX_ZONES = 1_000;

function remember<V>(cache: Map<string, V>, zone: string, value: V): void {
  if (cache.size >= MAX_ZONES && !cache.has(zone)) cache.clear();
  cache.set(zone, value);
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    remember(formatters, timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (store reference data is input, so it is checked, not trusted). */
export function isValidTimeZone(timeZone: string): boolean {
  let ok = validity.get(timeZone);
  if (ok === undefined) {
    try {
      formatter(timeZone);
      ok = true;
    } catch {
      ok = false;
    }
    remember(validity, timeZone, ok);
  }
  return ok;
}

/** Local date (YYYY-MM-DD) of an instant; the zone must be valid (isValidTimeZone). */
export function localDateString(ms: number, timeZone: string): string {
  return formatter(timeZone).format(ms);
}

/** Local date of an instant as a sortable number yyyymmdd. */
export function localDateNumber(ms: number, timeZone: string): number {
  // en-CA formats as yyyy-mm-dd.
  const s = formatter(timeZone).format(ms);
  return Number(s.slice(0, 4)) * 10_000 + Number(s.slice(5, 7)) * 100 + Number(s.slice(8, 10));
}

/** First instant (ms) whose local date is >= target, searched in [lo, hi]. */
function firstInstantOfDate(target: number, timeZone: string, lo: number, hi: number): number {
  // Offsets are whole minutes, so a minute-precision search followed by the exact minute is exact.
  let a = Math.floor(lo / 60_000);
  let b = Math.ceil(hi / 60_000);
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (localDateNumber(mid * 60_000, timeZone) >= target) b = mid;
    else a = mid + 1;
  }
  return a * 60_000;
}

const DAY = 86_400_000;
// Real zones are within UTC-12..UTC+14; a day start is searched within this margin of UTC midnight.
const MARGIN = 15 * 3_600_000;

function dayStartOf(dateNumber: number, timeZone: string): number {
  const y = Math.floor(dateNumber / 10_000);
  const m = Math.floor((dateNumber % 10_000) / 100);
  const d = dateNumber % 100;
  const utcMidnight = Date.UTC(y, m - 1, d);
  return firstInstantOfDate(dateNumber, timeZone, utcMidnight - MARGIN, utcMidnight + MARGIN);
}

function nextDateNumber(dateNumber: number): number {
  const y = Math.floor(dateNumber / 10_000);
  const m = Math.floor((dateNumber % 10_000) / 100);
  const d = dateNumber % 100;
  const next = new Date(Date.UTC(y, m - 1, d) + DAY);
  return next.getUTCFullYear() * 10_000 + (next.getUTCMonth() + 1) * 100 + next.getUTCDate();
}

export interface DayBounds {
  start: number;
  end: number;
}

// The last few days per zone: events arrive roughly in time order, so nearly every lookup hits.
const recent = new Map<string, DayBounds[]>();
const RECENT_PER_ZONE = 4;

/** The local day containing `ms` in `timeZone` (which must be valid). */
export function localDayBounds(ms: number, timeZone: string): DayBounds {
  const cached = recent.get(timeZone);
  if (cached) {
    for (const b of cached) if (ms >= b.start && ms < b.end) return b;
  }
  const date = localDateNumber(ms, timeZone);
  const bounds = { start: dayStartOf(date, timeZone), end: dayStartOf(nextDateNumber(date), timeZone) };
  const list = cached ?? [];
  list.unshift(bounds);
  if (list.length > RECENT_PER_ZONE) list.pop();
  remember(recent, timeZone, list);
  return bounds;
}
