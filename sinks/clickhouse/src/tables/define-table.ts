/** A row as sent in JSONEachRow: column → JSON value. */
export type Row = Record<string, string | number | boolean | null | string[] | number[]>;

type Column<R> = readonly [keyof R & string, string];
type Missing<R, C extends readonly Column<R>[]> = Exclude<keyof R, C[number][0]>;

/** How the sink writes and reads one ClickHouse table. */
export interface ChTable<R extends Row = Row, T extends string = string> {
  table: T;
  /** Every column the writer sends, with its ClickHouse type (MATERIALIZED columns are not sent). */
  columns: readonly Column<R>[];
  /** The table's ORDER BY: the natural key that collapses copies of a row. */
  orderBy: readonly (keyof R & string)[];
}

/**
 * A ChTable whose columns must name every field of the row type R (a field the mapping fills but
 * the columns omit is a compile error). Columns against the migrations' CREATE TABLE: tables.test.ts.
 */
export function defineTable<R extends Row>() {
  return <const T extends string, const C extends readonly Column<R>[]>(
    spec: { table: T; columns: C; orderBy: readonly (keyof R & string)[] } & ([Missing<R, C>] extends [never]
      ? unknown
      : { missingColumns: Missing<R, C> }),
  ): ChTable<R, T> => spec;
}

/** ClickHouse 18.16 has no Bool: UInt8 0/1. */
export const u8 = (b: boolean): number => (b ? 1 : 0);
