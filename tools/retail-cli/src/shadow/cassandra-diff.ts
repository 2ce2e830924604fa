import type cassandra from 'cassandra-driver';
import { cellWrites, rowDelete, type Write } from './cassandra-cell-writes.ts';
import { canonical, cqlTables, type CqlTable } from './cassandra-tables.ts';
import {
  addCount,
  selectTables,
  type DiffCount,
  type DiffKind,
  type DiffRow,
  type DiffScope,
  type PromoteCount,
  type PromoteOptions,
  type SinkDiff,
} from './diff-types.ts';

/**
 * Diff and promote between two Cassandra keyspaces. Cassandra cannot join, so both are read by
 * partition: the partitions of the stores in scope (DISTINCT partition keys, which read no rows),
 * each from both keyspaces, compared row by row in the CLI; transaction_by_id_and_store,
 * partitioned by transaction id (store_id is its clustering column), is read where store_id = each
 * store (ALLOW FILTERING: a scan of that table).
 *
 * Promote writes cell by cell with explicit write timestamps, because the sink's last-write-wins
 * scheme uses store_seq as the timestamp (sinks/cassandra/src/write-timestamp.ts): a cell is
 * copied with the shadow's own timestamp, which keeps later sink writes winning as they should;
 * only a live cell written with a higher timestamp (a manual fix without USING TIMESTAMP) is
 * overwritten at its timestamp + 1, and a live cell the shadow lacks is deleted at its own
 * timestamp (a tombstone wins a tie). Keyspace names are checked identifiers.
 */

type Row = cassandra.types.Row;

interface Partition {
  values: unknown[];
  store: string | null;
}

const CONCURRENCY = 16;

async function inParallel<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

async function all(client: cassandra.Client, cql: string, params: unknown[] = []): Promise<Row[]> {
  const out: Row[] = [];
  let pageState: string | undefined;
  do {
    const r = await client.execute(cql, params, { prepare: true, fetchSize: 1000, pageState });
    out.push(...r.rows);
    pageState = r.pageState ?? undefined;
  } while (pageState);
  return out;
}

function partKey(values: readonly unknown[]): string {
  return canonical(values);
}

/** The stores the shadow holds rows of. */
async function shadowStores(client: cassandra.Client, shadow: string, tables: CqlTable[]): Promise<string[]> {
  const stores = new Set<string>();
  for (const t of tables) {
    const cql = t.partitionKey.includes('store_id')
      ? `SELECT DISTINCT ${t.partitionKey.join(', ')} FROM ${shadow}.${t.table}`
      : `SELECT store_id FROM ${shadow}.${t.table}`;
    for (const r of await all(client, cql)) {
      const s = r.get('store_id') as string | null;
      if (s !== null) stores.add(s);
    }
  }
  return [...stores].sort();
}

/** The partitions of a store-keyed table, in both keyspaces, that belong to the stores in scope. */
async function partitions(
  client: cassandra.Client,
  t: CqlTable,
  keyspaces: string[],
  stores: Set<string> | null,
): Promise<Partition[]> {
  const found = new Map<string, Partition>();
  const add = (r: Row) => {
    const store = (r.get('store_id') as string | null) ?? null;
    if (stores && (store === null || !stores.has(store))) return;
    const values = t.partitionKey.map((c) => r.get(c));
    found.set(partKey(values), { values, store });
  };
  for (const ks of keyspaces) {
    for (const r of await all(client, `SELECT DISTINCT ${t.partitionKey.join(', ')} FROM ${ks}.${t.table}`))
      add(r);
  }
  return [...found.values()];
}

/** Every column, and the write time of every regular one (promote copies cells with it). */
function selectAll(t: CqlTable, ks: string): string {
  const cols = [
    ...t.partitionKey,
    ...t.clustering,
    ...t.regular.flatMap((c) => [c.name, `WRITETIME(${c.name}) AS wt_${c.name}`]),
  ];
  return `SELECT ${cols.join(', ')} FROM ${ks}.${t.table}`;
}

function selectCql(t: CqlTable, ks: string): string {
  return `${selectAll(t, ks)} WHERE ${t.partitionKey.map((c) => `${c} = ?`).join(' AND ')}`;
}

function rowKey(t: CqlTable, r: Row): string {
  return canonical([...t.partitionKey, ...t.clustering].map((c) => r.get(c)));
}

function sameValues(t: CqlTable, a: Row, b: Row): boolean {
  return t.regular.every((c) => canonical(a.get(c.name)) === canonical(b.get(c.name)));
}

interface RowDiff {
  table: CqlTable;
  store: string | null;
  kind: DiffKind;
  shadow?: Row;
  live?: Row;
}

/** Every differing row of one table in scope. */
async function tableDiffs(
  client: cassandra.Client,
  t: CqlTable,
  shadow: string,
  live: string,
  stores: Set<string> | null,
): Promise<RowDiff[]> {
  const out: RowDiff[] = [];
  const compare = (shadowRows: Row[], liveRows: Row[], partStore: string | null) => {
    const byKey = new Map(liveRows.map((r) => [rowKey(t, r), r]));
    for (const sr of shadowRows) {
      const k = rowKey(t, sr);
      const lr = byKey.get(k);
      byKey.delete(k);
      const store = (sr.get('store_id') as string | null) ?? partStore;
      if (!lr) out.push({ table: t, store, kind: 'missing', shadow: sr });
      else if (!sameValues(t, sr, lr)) out.push({ table: t, store, kind: 'different', shadow: sr, live: lr });
    }
    for (const lr of byKey.values()) {
      out.push({
        table: t,
        store: (lr.get('store_id') as string | null) ?? partStore,
        kind: 'extra',
        live: lr,
      });
    }
  };
  if (!t.partitionKey.includes('store_id')) {
    // Partitioned by something else (transaction_by_id_and_store): the rows of the stores in scope come from one
    // filtered scan per store and keyspace, whole rows at once.
    const read = async (ks: string): Promise<Row[]> =>
      stores
        ? (
            await Promise.all(
              [...stores].map((st) =>
                all(client, `${selectAll(t, ks)} WHERE store_id = ? ALLOW FILTERING`, [st]),
              ),
            )
          ).flat()
        : all(client, selectAll(t, ks));
    const [s, l] = await Promise.all([read(shadow), read(live)]);
    compare(s, l, null);
    return out;
  }
  const parts = await partitions(client, t, [shadow, live], stores);
  await inParallel(parts, async (p) => {
    const [s, l] = await Promise.all([
      client.execute(selectCql(t, shadow), p.values, { prepare: true, fetchSize: 100_000 }),
      client.execute(selectCql(t, live), p.values, { prepare: true, fetchSize: 100_000 }),
    ]);
    compare(s.rows, l.rows, p.store);
  });
  return out;
}

async function scopeOf(client: cassandra.Client, shadow: string, tables: CqlTable[], scope: DiffScope) {
  if (scope.all && !scope.stores) return null;
  return new Set(scope.stores ? scope.stores : await shadowStores(client, shadow, tables));
}

async function tablesOf(client: cassandra.Client, live: string, scope: DiffScope): Promise<CqlTable[]> {
  const tables = await cqlTables(client, live);
  const names = selectTables(
    tables.map((t) => t.table),
    scope.tables,
  );
  return tables.filter((t) => names.includes(t.table));
}

export async function diffCassandra(
  client: cassandra.Client,
  shadow: string,
  live: string,
  scope: DiffScope,
): Promise<SinkDiff> {
  const tables = await tablesOf(client, live, scope);
  const stores = await scopeOf(client, shadow, tables, scope);
  const counts = new Map<string, DiffCount>();
  const rows: DiffRow[] = [];
  for (const t of tables) {
    const diffs = await tableDiffs(client, t, shadow, live, stores);
    for (const d of diffs) addCount(counts, 'cassandra', t.table, d.store, d.kind, 1);
    const keyCols = [...t.partitionKey, ...t.clustering];
    const listed = diffs
      .map((d) => ({
        d,
        key: Object.fromEntries(keyCols.map((c) => [c, keyText((d.shadow ?? d.live)!.get(c))])),
      }))
      .sort((a, b) => canonical(a.key).localeCompare(canonical(b.key)))
      .slice(0, scope.rowLimit ?? 0);
    for (const { d, key } of listed)
      rows.push({ sink: 'cassandra', table: t.table, store_id: d.store, kind: d.kind, key });
    scope.onTable?.(t.table);
  }
  return {
    counts: [...counts.values()],
    rows,
    tables: tables.map((t) => t.table),
    stores: stores ? [...stores].sort() : null,
  };
}

function keyText(v: unknown): unknown {
  return typeof v === 'object' && v !== null && !(v instanceof Date) ? String(v) : v;
}

/**
 * Live := shadow inside the scope, cell by cell (not transactional: Cassandra has none; each write
 * is idempotent, so running promote again finishes an interrupted one).
 */
export async function promoteCassandra(
  client: cassandra.Client,
  shadow: string,
  live: string,
  scope: DiffScope,
  opts: PromoteOptions,
): Promise<PromoteCount[]> {
  const tables = await tablesOf(client, live, scope);
  const stores = await scopeOf(client, shadow, tables, scope);
  const out: PromoteCount[] = [];
  for (const t of tables) {
    const diffs = await tableDiffs(client, t, shadow, live, stores);
    const writes: Write[] = [];
    /** Rows with live cells newer than the shadow's: never forced. */
    const newer = new Set<string>();
    let upserted = 0;
    let deleted = 0;
    for (const d of diffs) {
      if (d.kind === 'extra') {
        if (!opts.deleteExtra) continue;
        deleted++;
        writes.push(rowDelete(t, live, d.live!));
      } else {
        upserted++;
        const planned = cellWrites(t, live, d.shadow, d.live);
        if (planned.kept > 0) newer.add(rowKey(t, (d.shadow ?? d.live)!));
        writes.push(...planned.writes);
      }
    }
    const run = (list: Write[]) =>
      inParallel(list, async (w) => void (await client.execute(w.cql, w.params, { prepare: true })));
    let forced = 0;
    if (!opts.dryRun) {
      await run(writes);
      // A live tombstone or cell newer than the shadow's timestamps (a DELETE or UPDATE by hand,
      // without USING TIMESTAMP) hides cells written at store_seq. What still differs (apart from
      // newer sink data) is written again at the wall clock, the only timestamp that beats it.
      const still = (await tableDiffs(client, t, shadow, live, stores)).filter(
        (d) => (d.kind !== 'extra' || opts.deleteExtra) && !newer.has(rowKey(t, (d.shadow ?? d.live)!)),
      );
      if (still.length > 0) {
        const now = BigInt(Date.now()) * 1000n;
        forced = still.length;
        await run(
          still.flatMap((d) =>
            d.kind === 'extra'
              ? [rowDelete(t, live, d.live!, now)]
              : cellWrites(t, live, d.shadow, d.live, now).writes,
          ),
        );
      }
    }
    out.push({
      sink: 'cassandra',
      table: t.table,
      upserted,
      deleted,
      ...(forced ? { forced } : {}),
      ...(newer.size ? { newerInLive: newer.size } : {}),
    });
  }
  return out;
}
