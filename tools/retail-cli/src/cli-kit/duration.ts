import { usageError } from './exit-codes.ts';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const RELATIVE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
/** A date, optionally with a time; a time without a zone is UTC (a CLI run on a laptop in another zone must not shift). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses a duration like `30m`, `2h`, `1.5d`, `500ms` into milliseconds. */
export function parseDuration(text: string): number {
  const m = RELATIVE.exec(text.trim());
  if (!m) throw usageError(`'${text}' is not a duration (use e.g. 90s, 30m, 2h, 1d, 1w)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

/**
 * A point in time from `--from/--to`: an ISO date or date-time (UTC unless it names a zone),
 * `now`, or a duration ago (`2h` = two hours before `now`). Returns epoch milliseconds.
 */
export function parseTimeArg(text: string, now: number = Date.now()): number {
  const t = text.trim();
  if (t === 'now') return now;
  if (RELATIVE.test(t)) return now - parseDuration(t);
  const iso = ISO.exec(t);
  if (iso) {
    const withZone = iso[1] !== undefined || !t.includes(':') ? t : `${t}Z`;
    const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : withZone.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  throw usageError(
    `'${text}' is not a time (use an ISO time like 2026-03-01T08:00:00Z, or 2h / 30m / 1d ago)`,
  );
}

/** Resolves `--from/--to` into a checked [from, to) pair; `to` defaults to now. */
export function parseTimeRange(
  from: string | undefined,
  to: string | undefined,
  now: number = Date.now(),
): { from: number; to: number } | undefined {
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined) throw usageError('--to needs --from');
  const range = { from: parseTimeArg(from, now), to: to === undefined ? now : parseTimeArg(to, now) };
  if (range.to <= range.from) {
    throw usageError(
      `--to (${new Date(range.to).toISOString()}) is not after --from (${new Date(range.from).toISOString()})`,
    );
  }
  return range;
}
