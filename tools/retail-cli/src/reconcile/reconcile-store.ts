import type { ClickHouseClient } from '@clickhouse/client';
import type cassandra from 'cassandra-driver';
import type pg from 'pg';
import { storeDay, type StoreDay } from './day-bounds.ts';
import { compareFigures, type Difference, type Figures, type Source } from './figures.ts';
import {
  missingInCassandra,
  missingInClickhouse,
  missingInPostgres,
  type MissingEvent,
} from './missing-events.ts';
import { repairMissing, type RepairDeps, type RepairResult } from './repair.ts';
import { clickhouseFigures, cassandraFigures, kpiFigures, postgresFigures } from './sink-figures.ts';
import { storeDayEvents, storeFigures, storeTimezone } from './store-figures.ts';

export interface ReconcileDeps {
  /** HQ database, no search path. */
  hq: pg.Pool;
  hqSchema: string;
  clickhouse: ClickHouseClient;
  cassandra?: { client: () => Promise<cassandra.Client>; keyspace: string };
  /** The store's own database. */
  storeDb(storeId: string): pg.Pool;
  /** Used when neither the store's database nor HQ names the store's zone. */
  defaultTimezone: string;
}

export interface Check {
  figures: Partial<Record<Source, Figures | null>>;
  differences: Difference[];
  missing: MissingEvent[];
}

export interface StoreReconciliation extends Check {
  store_id: string;
  date: string;
  timezone: string;
  day: { start: Date; end: Date };
  status: 'clean' | 'differences' | 'repaired' | 'failed';
  repaired?: RepairResult;
  /** The check again after --repair. */
  after?: Check;
  error?: string;
}

async function timezoneOf(deps: ReconcileDeps, storeId: string): Promise<string> {
  const own = await storeTimezone(deps.storeDb(storeId), storeId).catch(() => undefined);
  if (own) return own;
  const { rows } = await deps.hq.query<{ timezone: string | null }>(
    `SELECT timezone FROM "${deps.hqSchema}".stores WHERE store_id = $1`,
    [storeId],
  );
  return rows[0]?.timezone ?? deps.defaultTimezone;
}

/** The store's day against every sink and its KPI window: figures, differences, events missing per sink. */
export async function checkStoreDay(deps: ReconcileDeps, storeId: string, day: StoreDay): Promise<Check> {
  const db = deps.storeDb(storeId);
  const [store, events] = await Promise.all([
    storeFigures(db, storeId, day),
    storeDayEvents(db, storeId, day),
  ]);
  const [pgF, chF, kpiF] = await Promise.all([
    postgresFigures(deps.hq, deps.hqSchema, storeId, day),
    clickhouseFigures(deps.clickhouse, storeId, day),
    kpiFigures(deps.hq, deps.hqSchema, storeId, day),
  ]);
  const cs = deps.cassandra
    ? await cassandraFigures(await deps.cassandra.client(), deps.cassandra.keyspace, storeId, day)
    : undefined;
  const sinks: Partial<Record<Exclude<Source, 'store'>, Figures | null>> = {
    postgres: pgF,
    clickhouse: chF,
    kpi: kpiF,
  };
  if (cs) sinks.cassandra = { sales: cs.sales, sales_minor: cs.sales_minor };
  const differences = compareFigures(storeId, store, sinks);
  const missing = [
    ...(await missingInPostgres(deps.hq, deps.hqSchema, storeId, events)),
    ...(await missingInClickhouse(deps.clickhouse, storeId, events)),
    ...(cs ? missingInCassandra(events, cs.transactions) : []),
  ];
  return { figures: { store, ...sinks }, differences, missing };
}

/**
 * End-of-day reconciliation of one store's local day; with `repair`, a targeted replay of the
 * events missing per sink, then the check again. KPI differences are reported, not repaired here
 * (`retail recompute` is the KPI correction path).
 */
export async function reconcileStore(
  deps: ReconcileDeps,
  storeId: string,
  date: string,
  repair?: RepairDeps,
): Promise<StoreReconciliation> {
  const timezone = await timezoneOf(deps, storeId);
  const day = storeDay(date, timezone);
  const base = { store_id: storeId, date, timezone, day: { start: day.start, end: day.end } };
  const first = await checkStoreDay(deps, storeId, day);
  const dirty = first.differences.length > 0 || first.missing.length > 0;
  if (!dirty) return { ...base, ...first, status: 'clean' };
  if (!repair || first.missing.length === 0) return { ...base, ...first, status: 'differences' };
  const events = await storeDayEvents(deps.storeDb(storeId), storeId, day);
  const repaired = await repairMissing(repair, first.missing, events);
  const after = await checkStoreDay(deps, storeId, day);
  const clean = after.differences.length === 0 && after.missing.length === 0;
  return { ...base, ...first, repaired, after, status: clean ? 'repaired' : 'differences' };
}
