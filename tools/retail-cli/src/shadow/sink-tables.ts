/**
 * The sinks' own table definitions, read (never re-declared) for diff and promote: columns from
 * the Postgres TableSpecs and the ClickHouse ChTables, keys from the ClickHouse ORDER BY and from
 * the Postgres primary keys in the catalog (both come from the sinks' migrations).
 *
 * The sink packages export only their index, which does not list the tables; until it does
 * (asked of the lead), the modules are imported by path.
 */
import * as hqTables from '../../../../sinks/postgres/src/hq-tables.ts';
import { CH_TABLES } from '../../../../sinks/clickhouse/src/tables/all-tables.ts';

export interface PgTableDef {
  table: string;
  columns: readonly (readonly [string, string])[];
}

export const PG_TABLES: readonly PgTableDef[] = Object.values(hqTables).map((t) => ({
  table: t.table,
  columns: t.columns as readonly (readonly [string, string])[],
}));

export interface ChTableDef {
  table: string;
  columns: readonly (readonly [string, string])[];
  orderBy: readonly string[];
}

export const CH_TABLE_DEFS: readonly ChTableDef[] = CH_TABLES.map((t) => ({
  table: t.table,
  columns: t.columns as readonly (readonly [string, string])[],
  orderBy: t.orderBy as readonly string[],
}));
