/**
 * The sinks' own table definitions, read (never re-declared) for diff and promote: columns from
 * the Postgres TableSpecs and the ClickHouse ChTables, keys from the ClickHouse ORDER BY and from
 * the Postgres primary keys in the catalog (both come from the sinks' migrations).
 */
import { CH_TABLES } from '@retail-stream/clickhouse-sink';
import { HQ_TABLES } from '@retail-stream/postgres-sink';

export interface PgTableDef {
  table: string;
  columns: readonly (readonly [string, string])[];
}

export const PG_TABLES: readonly PgTableDef[] = HQ_TABLES.map((t) => ({
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
