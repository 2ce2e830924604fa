import type { ClickHouseClient } from '@clickhouse/client';
import { AppError, sqlString } from '@retail-stream/runtime';
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
import { CH_TABLE_DEFS, type ChTableDef } from './sink-tables.ts';

/**
 * Diff and promote between two ClickHouse databases, inside ClickHouse and within 18.16's SQL.
 * Both sides are read through FINAL, so copies a ReplacingMergeTree has not merged yet (a replay
 * writes every row again) count once and never show as differences. Each row is reduced to its
 * ORDER BY key plus a cityHash64 of every column the sink writes; a UNION ALL of both sides grouped
 * by key then says missing (shadow only), extra (live only) or different (two hashes). 18.16 has
 * no query parameters: values are inlined with sqlString(); database names are checked identifiers.
 */

const NUMERIC = { output_format_json_quote_64bit_integers: 0 } as const;

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow', clickhouse_settings: NUMERIC });
  return rs.json<T>();
}

/** cityHash64 turns NULL into NULL: hash a Nullable column as (isNull, assumeNotNull). */
function hashOf(t: ChTableDef): string {
  const parts = t.columns.flatMap(([c, type]) =>
    type.startsWith('Nullable(') ? [`isNull(${c})`, `assumeNotNull(${c})`] : [c],
  );
  return `cityHash64(${parts.join(', ')})`;
}

interface Scoped {
  where: string;
  stores: (string | null)[] | null;
}

async function shadowStores(client: ClickHouseClient, shadow: string): Promise<(string | null)[]> {
  const union = CH_TABLE_DEFS.map((t) => `SELECT DISTINCT store_id FROM ${shadow}.${t.table}`).join(
    ' UNION ALL ',
  );
  const r = await rows<{ store_id: string | null }>(client, `SELECT DISTINCT store_id FROM (${union})`);
  return r.map((x) => x.store_id).sort((a, b) => (a ?? '').localeCompare(b ?? ''));
}

async function scoped(client: ClickHouseClient, shadow: string, scope: DiffScope): Promise<Scoped> {
  if (scope.all && !scope.stores) return { where: '1', stores: null };
  const stores = scope.stores ? [...scope.stores] : await shadowStores(client, shadow);
  const named = stores.filter((s): s is string => s !== null);
  const inList = named.length ? `store_id IN (${named.map(sqlString).join(', ')})` : '0';
  return { where: stores.includes(null) ? `(${inList} OR isNull(store_id))` : inList, stores };
}

/** key columns, store, kind of every differing row of one table. */
function differing(t: ChTableDef, shadow: string, live: string, sc: Scoped): string {
  const keys = t.orderBy.join(', ');
  const side = (db: string, tag: string) =>
    `SELECT ${keys}, store_id AS st, '${tag}' AS side, ${hashOf(t)} AS h FROM ${db}.${t.table} FINAL WHERE ${sc.where}`;
  return `SELECT ${keys}, any(st) AS store, groupArray(side) AS sides, groupArray(h) AS hs,
      multiIf(length(sides) = 2, 'different', sides[1] = 'S', 'missing', 'extra') AS kind
    FROM (${side(shadow, 'S')} UNION ALL ${side(live, 'L')})
    GROUP BY ${keys}
    HAVING NOT (length(sides) = 2 AND hs[1] = hs[2])`;
}

function tablesOf(scope: DiffScope): ChTableDef[] {
  const names = selectTables(
    CH_TABLE_DEFS.map((t) => t.table),
    scope.tables,
  );
  return CH_TABLE_DEFS.filter((t) => names.includes(t.table));
}

export async function diffClickhouse(
  client: ClickHouseClient,
  shadow: string,
  live: string,
  scope: DiffScope,
): Promise<SinkDiff> {
  const sc = await scoped(client, shadow, scope);
  const counts = new Map<string, DiffCount>();
  const out: DiffRow[] = [];
  const list = tablesOf(scope);
  for (const t of list) {
    const r = await rows<{ store: string | null; kind: DiffKind; n: number }>(
      client,
      `SELECT store, kind, count() AS n FROM (${differing(t, shadow, live, sc)}) GROUP BY store, kind`,
    );
    for (const x of r) addCount(counts, 'clickhouse', t.table, x.store, x.kind, Number(x.n));
    if ((scope.rowLimit ?? 0) > 0 && r.length > 0) {
      const k = await rows<Record<string, unknown>>(
        client,
        `SELECT ${t.orderBy.join(', ')}, store, kind FROM (${differing(t, shadow, live, sc)})
         ORDER BY ${t.orderBy.join(', ')} LIMIT ${Math.floor(scope.rowLimit!)}`,
      );
      for (const x of k) {
        out.push({
          sink: 'clickhouse',
          table: t.table,
          store_id: x.store as string | null,
          kind: x.kind as DiffKind,
          key: Object.fromEntries(t.orderBy.map((c) => [c, x[c]])),
        });
      }
    }
    scope.onTable?.(t.table);
  }
  return { counts: [...counts.values()], rows: out, tables: list.map((t) => t.table), stores: sc.stores };
}

/**
 * Live := shadow inside the scope. Rows missing or different in live are inserted again from the
 * shadow (FINAL): a ReplacingMergeTree keeps, of equal versions, the row inserted last, so the
 * shadow's copy wins in FINAL reads at once and in merges later. Not transactional (ClickHouse has
 * no transactions): each table's insert is atomic for its block, and running promote again
 * re-inserts only what still differs. Extra rows are removed (deleteExtra) with ALTER … DELETE, a
 * mutation that ClickHouse applies in the background; promote waits for it. A live copy with a
 * higher version than the shadow's is deleted the same way before the shadow's is inserted again
 * (counted as forced).
 */
export async function promoteClickhouse(
  client: ClickHouseClient,
  shadow: string,
  live: string,
  scope: DiffScope,
  opts: PromoteOptions,
): Promise<PromoteCount[]> {
  const sc = await scoped(client, shadow, scope);
  const out: PromoteCount[] = [];
  for (const t of tablesOf(scope)) {
    const kinds = await rows<{ kind: DiffKind; n: number }>(
      client,
      `SELECT kind, count() AS n FROM (${differing(t, shadow, live, sc)}) GROUP BY kind`,
    );
    const n = (k: DiffKind) => Number(kinds.find((x) => x.kind === k)?.n ?? 0);
    const upserted = n('missing') + n('different');
    const deleted = opts.deleteExtra ? n('extra') : 0;
    let forced = 0;
    let newerInLive = 0;
    if (!opts.dryRun && upserted > 0) {
      await insertFromShadow(client, t, shadow, live, sc);
      // A live copy with a higher version outranks the shadow's copy in FINAL and in merges.
      const still = await keysOf(client, t, shadow, live, sc, 'different');
      if (still.length > 0 && (await versionColumn(client, live, t.table)) === 'store_seq') {
        // The key names one event, and an event has one store_seq: a different version is a
        // copy made by hand, not newer data.
        forced = still.length;
        await deleteKeys(client, t, live, still);
        await insertFromShadow(client, t, shadow, live, sc);
      } else {
        // Another version (a KPI revision): live holds a newer revision than the shadow; kept.
        newerInLive = still.length;
      }
    }
    if (!opts.dryRun && deleted > 0) {
      await deleteKeys(client, t, live, await keysOf(client, t, shadow, live, sc, 'extra'));
    }
    out.push({
      sink: 'clickhouse',
      table: t.table,
      upserted,
      deleted,
      ...(forced ? { forced } : {}),
      ...(newerInLive ? { newerInLive } : {}),
    });
  }
  return out;
}

async function insertFromShadow(
  client: ClickHouseClient,
  t: ChTableDef,
  shadow: string,
  live: string,
  sc: Scoped,
) {
  const keys = t.orderBy.join(', ');
  const cols = t.columns.map(([c]) => c).join(', ');
  await client.command({
    query: `INSERT INTO ${live}.${t.table} (${cols})
      SELECT ${cols} FROM ${shadow}.${t.table} FINAL
      WHERE (${keys}) IN (SELECT ${keys} FROM (${differing(t, shadow, live, sc)}) WHERE kind != 'extra')`,
  });
}

type Key = Record<string, string | number>;

/** The ReplacingMergeTree version column of a live table, from its engine (the sink's migration). */
async function versionColumn(client: ClickHouseClient, db: string, table: string): Promise<string | null> {
  const r = await rows<{ engine_full: string }>(
    client,
    `SELECT engine_full FROM system.tables WHERE database = ${sqlString(db)} AND name = ${sqlString(table)}`,
  );
  return /ReplacingMergeTree\((\w+)\)/.exec(r[0]?.engine_full ?? '')?.[1] ?? null;
}

async function keysOf(
  client: ClickHouseClient,
  t: ChTableDef,
  shadow: string,
  live: string,
  sc: Scoped,
  kind: DiffKind,
): Promise<Key[]> {
  return rows<Key>(
    client,
    `SELECT ${t.orderBy.join(', ')} FROM (${differing(t, shadow, live, sc)}) WHERE kind = ${sqlString(kind)}`,
  );
}

/**
 * 18.16 mutations take no subqueries: keys are deleted in chunks by literal key tuples, and each
 * mutation is waited for (system.mutations) so the next read sees the result.
 */
async function deleteKeys(client: ClickHouseClient, t: ChTableDef, live: string, keyRows: Key[]) {
  const keys = t.orderBy;
  const lit = (v: string | number) => (typeof v === 'number' ? String(v) : sqlString(v));
  for (let i = 0; i < keyRows.length; i += 500) {
    const tuples = keyRows.slice(i, i + 500).map((r) => `(${keys.map((k) => lit(r[k]!)).join(', ')})`);
    await client.command({
      query: `ALTER TABLE ${live}.${t.table} DELETE WHERE (${keys.join(', ')}) IN (${tuples.join(', ')})`,
    });
  }
  for (let waited = 0; ; waited += 100) {
    const pending = await rows<{ n: number }>(
      client,
      `SELECT count() AS n FROM system.mutations WHERE database = ${sqlString(live)} AND table = ${sqlString(t.table)} AND is_done = 0`,
    );
    if (Number(pending[0]?.n ?? 0) === 0) return;
    if (waited > MUTATION_WAIT_MS) {
      throw new AppError(
        'SHADOW_PROMOTE_INCOMPLETE',
        `ALTER DELETE on ${live}.${t.table} still running after ${MUTATION_WAIT_MS / 1000} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const MUTATION_WAIT_MS = 120_000;
