import type { TableSpec } from '../unnest-insert.ts';

/** Postgres types the HQ tables use (the spellings of migrations/0001_hq_schema.sql). */
export type PgType = 'text' | 'bigint' | 'integer' | 'boolean' | 'timestamptz' | 'jsonb';

type Column<R> = readonly [keyof R & string, PgType];
type Missing<R, C extends readonly Column<R>[]> = Exclude<keyof R, C[number][0]>;

/**
 * A TableSpec whose columns must name every field of the row type R: a field added to the row but
 * not to the columns is a compile error, so a mapping can't compute a value the insert drops.
 * (Columns against the migration's CREATE TABLE: tables.test.ts.)
 */
export function defineTable<R>() {
  return <const C extends readonly Column<R>[]>(
    spec: { table: string; columns: C; tail: string } & ([Missing<R, C>] extends [never]
      ? unknown
      : { missingColumns: Missing<R, C> }),
  ): TableSpec<R> => spec;
}

const HOUR_MS = 3_600_000;
/** 10000-01-01T00:00:00Z: from there toISOString writes a six-digit year with a sign. */
const YEAR_10000_MS = 253_402_300_800_000;
// The last hour formatted ("YYYY-MM-DDTHH:"): a batch's timestamps fall in a few hours, so most
// calls write minutes, seconds and milliseconds only instead of a Date and its whole string.
let cachedHour = Number.NaN;
let hourPrefix = '';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** Epoch milliseconds → the ISO text a timestamptz column takes (exactly `toISOString()`'s). */
export const iso = (ms: number): string => {
  if (!Number.isInteger(ms) || ms < 0 || ms >= YEAR_10000_MS) return new Date(ms).toISOString();
  const hour = Math.floor(ms / HOUR_MS);
  if (hour !== cachedHour) {
    hourPrefix = new Date(hour * HOUR_MS).toISOString().slice(0, 14);
    cachedHour = hour;
  }
  const inHour = ms - hour * HOUR_MS;
  const minutes = Math.floor(inHour / 60_000);
  const seconds = Math.floor((inHour % 60_000) / 1000);
  return `${hourPrefix}${pad2(minutes)}:${pad2(seconds)}.${pad3(inHour % 1000)}Z`;
};
