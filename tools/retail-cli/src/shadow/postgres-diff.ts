import { AppError } from '@retail-stream/runtime';
import type pg from 'pg';
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
import { PG_TABLES, type PgTableDef } from './sink-tables.ts';

/**
 * Diff and promote between two schemas of the HQ database, set-based: each table is one
 * FULL JOIN on its primary key inside Postgres (counts grouped by store and kind), and promote is
 * one INSERT … ON CONFLICT DO UPDATE (plus an optional DELETE) per table, all in one transaction.
 * Schemas are checked identifiers (shadowTarget / the sink's HQ_PG_SCHEMA); column names come from
 * the sink's TableSpecs; values are bind parameters.
 */

interface Table extends PgTableDef {
  key: string[];
  /** Non-key columns (what DO UPDATE sets). */
  rest: string[];
}

/** The table's primary key in the live schema (from the sink's migration), in index order. */
async function primaryKey(db: pg.Pool | pg.PoolClient, schema: string, table: string): Promise<string[]> {
  const r = await db.query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass AND i.indisprimary
     ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [schema, table],
  );
  return r.rows.map((x) => x.attname);
}

async function tables(
  db: pg.Pool | pg.PoolClient,
  live: string,
  wanted?: readonly string[],
): Promise<Table[]> {
  const names = selectTables(
    PG_TABLES.map((t) => t.table),
    wanted,
  );
  const out: Table[] = [];
  for (const def of PG_TABLES.filter((t) => names.includes(t.table))) {
    const key = await primaryKey(db, live, def.table);
    out.push({ ...def, key, rest: def.columns.map(([c]) => c).filter((c) => !key.includes(c)) });
  }
  return out;
}

/** The stores the shadow holds rows of (null if it holds rows with no store, e.g. chain KPIs). */
async function shadowStores(db: pg.Pool | pg.PoolClient, shadow: string): Promise<(string | null)[]> {
  const union = PG_TABLES.map((t) => `SELECT DISTINCT store_id FROM "${shadow}".${t.table}`).join(' UNION ');
  const r = await db.query<{ store_id: string | null }>(`${union} ORDER BY 1 NULLS FIRST`);
  return r.rows.map((x) => x.store_id);
}

interface Scoped {
  predicate: (alias: string) => string;
  params: unknown[];
  stores: (string | null)[] | null;
}

async function scoped(db: pg.Pool | pg.PoolClient, shadow: string, scope: DiffScope): Promise<Scoped> {
  if (scope.all && !scope.stores) return { predicate: () => 'TRUE', params: [], stores: null };
  const stores = scope.stores ? [...scope.stores] : await shadowStores(db, shadow);
  const named = stores.filter((s): s is string => s !== null);
  return {
    predicate: (a) => `(${a}.store_id = ANY($1::text[]) OR ($2::boolean AND ${a}.store_id IS NULL))`,
    params: [named, stores.includes(null)],
    stores,
  };
}

/** FROM … FULL JOIN … WHERE <differs>, shared by the count and the key listing. */
function differing(t: Table, shadow: string, live: string, sc: Scoped): string {
  const cols = t.columns.map(([c]) => c);
  const on = t.key.map((k) => `s.${k} = l.${k}`).join(' AND ');
  const row = (a: string) => `ROW(${cols.map((c) => `${a}.${c}`).join(', ')})`;
  return `FROM (SELECT ${cols.join(', ')} FROM "${shadow}".${t.table} x WHERE ${sc.predicate('x')}) s
    FULL JOIN (SELECT ${cols.join(', ')} FROM "${live}".${t.table} x WHERE ${sc.predicate('x')}) l ON ${on}
    WHERE s.${t.key[0]} IS NULL OR l.${t.key[0]} IS NULL OR ${row('s')} IS DISTINCT FROM ${row('l')}`;
}

const KIND = (t: Table) =>
  `CASE WHEN l.${t.key[0]} IS NULL THEN 'missing' WHEN s.${t.key[0]} IS NULL THEN 'extra' ELSE 'different' END`;

export async function diffPostgres(
  pool: pg.Pool,
  shadow: string,
  live: string,
  scope: DiffScope,
): Promise<SinkDiff> {
  const sc = await scoped(pool, shadow, scope);
  const list = await tables(pool, live, scope.tables);
  const counts = new Map<string, DiffCount>();
  const rows: DiffRow[] = [];
  for (const t of list) {
    const r = await pool.query<{ store_id: string | null; kind: DiffKind; n: string }>(
      `SELECT COALESCE(s.store_id, l.store_id) AS store_id, ${KIND(t)} AS kind, count(*) AS n
       ${differing(t, shadow, live, sc)} GROUP BY 1, 2`,
      sc.params,
    );
    for (const x of r.rows) addCount(counts, 'postgres', t.table, x.store_id, x.kind, Number(x.n));
    if ((scope.rowLimit ?? 0) > 0 && r.rows.length > 0) {
      const keys = t.key.map((k) => `COALESCE(s.${k}, l.${k}) AS ${k}`).join(', ');
      const k = await pool.query<Record<string, unknown>>(
        `SELECT COALESCE(s.store_id, l.store_id) AS "$store", ${KIND(t)} AS "$kind", ${keys}
         ${differing(t, shadow, live, sc)} ORDER BY ${t.key.map((_, i) => i + 3).join(', ')}
         LIMIT ${Math.floor(scope.rowLimit!)}`,
        sc.params,
      );
      for (const x of k.rows) {
        const key = Object.fromEntries(t.key.map((c) => [c, x[c]]));
        rows.push({
          sink: 'postgres',
          table: t.table,
          store_id: x.$store as string | null,
          kind: x.$kind as DiffKind,
          key,
        });
      }
    }
    scope.onTable?.(t.table);
  }
  return { counts: [...counts.values()], rows, tables: list.map((t) => t.table), stores: sc.stores };
}

/**
 * Several HQ tables merge many events into one row (hq_transactions, stores, hq_inventory): a
 * shadow replayed from only part of a store's events holds partial rows there, and copying them
 * would lose what live has from the other events. So promote checks, per store the shadow has
 * events of, that its sequence range covers live's (both inboxes) and refuses otherwise.
 */
async function refusePartial(db: pg.PoolClient, shadow: string, live: string, sc: Scoped): Promise<void> {
  const r = await db.query<{ store_id: string; s_min: string; s_max: string; l_min: string; l_max: string }>(
    `SELECT s.store_id, s.s_min, s.s_max, l.l_min, l.l_max
     FROM (SELECT store_id, min(store_seq) AS s_min, max(store_seq) AS s_max FROM "${shadow}".hq_inbox x
           WHERE ${sc.predicate('x')} GROUP BY store_id) s
     JOIN (SELECT store_id, min(store_seq) AS l_min, max(store_seq) AS l_max FROM "${live}".hq_inbox x
           WHERE ${sc.predicate('x')} GROUP BY store_id) l USING (store_id)
     WHERE s.s_min > l.l_min OR s.s_max < l.l_max ORDER BY 1`,
    sc.params,
  );
  if (r.rows.length === 0) return;
  const list = r.rows.map((x) => `${x.store_id} (shadow ${x.s_min}-${x.s_max}, live ${x.l_min}-${x.l_max})`);
  throw new AppError(
    'SHADOW_PARTIAL',
    `the shadow holds only part of the history of ${r.rows.length} store(s): ${list.slice(0, 5).join(', ')}` +
      `${list.length > 5 ? ', …' : ''}; replay their whole history into it, narrow with --store, or pass --allow-partial`,
    { details: { stores: r.rows } },
  );
}

/**
 * Makes live equal to the shadow inside the scope, in one transaction: rows missing or different
 * in live are upserted with the shadow's values (an overwrite, not the sink's merge: the shadow
 * is the truth being promoted), extra rows are deleted only with deleteExtra. Running it again
 * finds nothing to do. A dry run computes the same counts and rolls back.
 */
export async function promotePostgres(
  pool: pg.Pool,
  shadow: string,
  live: string,
  scope: DiffScope,
  opts: PromoteOptions,
): Promise<PromoteCount[]> {
  const client = await pool.connect();
  const out: PromoteCount[] = [];
  try {
    await client.query('BEGIN');
    const sc = await scoped(client, shadow, scope);
    if (!opts.allowPartial) await refusePartial(client, shadow, live, sc);
    for (const t of await tables(client, live, scope.tables)) {
      const cols = t.columns.map(([c]) => c);
      const on = t.key.map((k) => `l.${k} = s.${k}`).join(' AND ');
      const set = t.rest.length
        ? `DO UPDATE SET ${t.rest.map((c) => `${c} = excluded.${c}`).join(', ')}`
        : 'DO NOTHING';
      const up = await client.query(
        `INSERT INTO "${live}".${t.table} AS l (${cols.join(', ')})
         SELECT ${cols.map((c) => `s.${c}`).join(', ')} FROM "${shadow}".${t.table} s
         WHERE ${sc.predicate('s')} AND NOT EXISTS (
           SELECT 1 FROM "${live}".${t.table} l WHERE ${on}
             AND ROW(${cols.map((c) => `l.${c}`).join(', ')}) IS NOT DISTINCT FROM ROW(${cols.map((c) => `s.${c}`).join(', ')}))
         ON CONFLICT (${t.key.join(', ')}) ${set}`,
        sc.params,
      );
      let deleted = 0;
      if (opts.deleteExtra) {
        const del = await client.query(
          `DELETE FROM "${live}".${t.table} l WHERE ${sc.predicate('l')}
           AND NOT EXISTS (SELECT 1 FROM "${shadow}".${t.table} s WHERE ${on})`,
          sc.params,
        );
        deleted = del.rowCount ?? 0;
      }
      out.push({ sink: 'postgres', table: t.table, upserted: up.rowCount ?? 0, deleted });
    }
    await client.query(opts.dryRun ? 'ROLLBACK' : 'COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
