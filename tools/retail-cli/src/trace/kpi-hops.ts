import { PG_SCHEMA_NAME } from '@retail-stream/runtime';
import type pg from 'pg';

/** One KPI window an event falls in, as the HQ kpi_windows table last saw it. */
export interface KpiHop {
  scope: string;
  window_size: string;
  window_start: Date;
  window_end: Date;
  revision: number;
  is_final: boolean;
  updated_at: Date;
  /**
   * The revision was computed after ingest emitted the event, so it includes it (KPI windows
   * consume the enriched topic in order, per store). False: a revision from before the event, or
   * the window has not been updated since (the event is then still to be counted, or late).
   */
  counted: boolean;
}

/**
 * The windows (store scope and chain) whose range holds the event time, by the kpi_windows
 * primary key (scope, size, start): no window arithmetic here, so the store's time zone for
 * D1_LOCAL is whatever the KPI stage used.
 */
export async function kpiHops(
  db: pg.Pool,
  schema: string,
  ev: { storeId: string; occurredAt: Date; enrichedAt: Date | null },
): Promise<KpiHop[]> {
  if (!PG_SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  const { rows } = await db.query<Omit<KpiHop, 'counted'>>(
    `SELECT scope, window_size, window_start, window_end, revision, is_final, updated_at
       FROM "${schema}".kpi_windows
      WHERE scope = ANY($1) AND window_size = ANY($3)
        AND window_start <= $2 AND window_start > $2::timestamptz - interval '2 days' AND window_end > $2
      ORDER BY scope DESC, window_end - window_start, window_start`,
    [[`store:${ev.storeId}`, 'chain'], ev.occurredAt, ['M1', 'M15', 'H1', 'D1_LOCAL']],
  );
  return rows.map((r) => ({
    ...r,
    counted: ev.enrichedAt !== null && r.updated_at.getTime() >= ev.enrichedAt.getTime(),
  }));
}
