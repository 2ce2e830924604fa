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

/** Epoch milliseconds → the ISO text a timestamptz column takes. */
export const iso = (ms: number): string => new Date(ms).toISOString();
