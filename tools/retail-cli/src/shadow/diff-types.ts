import type { ShadowSink } from './shadow-name.ts';

export type DiffKind = 'missing' | 'extra' | 'different';

/**
 * missing: in the shadow, not in live; extra: in live, not in the shadow; different: same key,
 * different values. Counted per sink, table and store (null: rows with no store, e.g. chain KPIs).
 */
export interface DiffCount {
  sink: ShadowSink;
  table: string;
  store_id: string | null;
  missing: number;
  extra: number;
  different: number;
}

/** One differing row, by its key (with --rows). */
export interface DiffRow {
  sink: ShadowSink;
  table: string;
  store_id: string | null;
  kind: DiffKind;
  key: Record<string, unknown>;
}

/**
 * Which rows a diff or promote looks at. Default: the stores the shadow holds rows of (what the
 * replay wrote), so live rows of other stores are not "extra". `stores` narrows to those stores,
 * `all` looks at every row of both.
 */
export interface DiffScope {
  stores?: readonly string[];
  tables?: readonly string[];
  all?: boolean;
  /** Keys to list per table (0: counts only). */
  rowLimit?: number;
  /** Called after each table is compared (progress). */
  onTable?: (table: string) => void;
}

export interface SinkDiff {
  counts: DiffCount[];
  rows: DiffRow[];
  /** Tables compared (after --table). */
  tables: string[];
  /** The stores in scope; null when every row is (--all). */
  stores: (string | null)[] | null;
}

export interface PromoteOptions {
  deleteExtra: boolean;
  dryRun: boolean;
  /**
   * Postgres: promote even when the shadow does not hold a store's whole history as live knows it
   * (merged rows such as hq_transactions, stores and hq_inventory would get the shadow's partial
   * state).
   */
  allowPartial?: boolean;
}

/** What a promote wrote (or would write, in a dry run), per table. */
export interface PromoteCount {
  sink: ShadowSink;
  table: string;
  upserted: number;
  deleted: number;
  /**
   * Rows a plain copy could not fix. Cassandra: cells rewritten at the wall clock because a newer
   * live cell or tombstone (a change by hand without USING TIMESTAMP) hid the shadow's store_seq
   * timestamps. ClickHouse: live copies with a higher version, deleted before the copy.
   */
  forced?: number;
  /**
   * Rows left (partly) as they are because live holds newer data than the shadow: Cassandra cells
   * the sink wrote at a higher store_seq; ClickHouse rows with a higher version (a KPI revision).
   * A replay that ended before live's last event shows them; they stay "different" in a re-diff.
   */
  newerInLive?: number;
}

/** Adds one (table, store, kind, n) result into per-(table, store) counts. */
export function addCount(
  into: Map<string, DiffCount>,
  sink: ShadowSink,
  table: string,
  store: string | null,
  kind: DiffKind,
  n: number,
): void {
  const k = `${table}\u0000${store ?? ''}\u0000${store === null ? 'n' : 's'}`;
  let c = into.get(k);
  if (!c) {
    c = { sink, table, store_id: store, missing: 0, extra: 0, different: 0 };
    into.set(k, c);
  }
  c[kind] += n;
}

export function selectTables(all: readonly string[], wanted: readonly string[] | undefined): string[] {
  if (!wanted || wanted.length === 0) return [...all];
  return all.filter((t) => wanted.includes(t));
}
