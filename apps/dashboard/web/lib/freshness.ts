import type { StatusBody } from '../api-types.ts';

export interface Freshness {
  /** Newest of the last event received and the last KPI update; null when nothing arrived yet. */
  dataAsOf: string | null;
  ageSeconds: number | null;
  stale: boolean;
  message: string;
}

function newest(...isos: (string | null | undefined)[]): string | null {
  let best: string | null = null;
  for (const iso of isos) {
    if (iso && (best === null || Date.parse(iso) > Date.parse(best))) best = iso;
  }
  return best;
}

/**
 * "Data as of" for the header. The data is stale when nothing new has arrived for staleAfterS:
 * either the chain is idle or the pipeline has stopped, both worth a warning on a live screen.
 */
export function freshness(status: StatusBody | undefined, nowMs: number, staleAfterS = 60): Freshness {
  if (!status)
    return { dataAsOf: null, ageSeconds: null, stale: false, message: 'waiting for the reports API' };
  const dataAsOf = newest(status.last_kpi_updated_at, status.last_event_received_at);
  if (dataAsOf === null) return { dataAsOf, ageSeconds: null, stale: false, message: 'no data yet' };
  const ageSeconds = Math.max(0, (nowMs - Date.parse(dataAsOf)) / 1000);
  const stale = ageSeconds > staleAfterS;
  return {
    dataAsOf,
    ageSeconds,
    stale,
    message: stale ? `no new data for ${Math.round(ageSeconds)} s` : 'live',
  };
}

/** Stores that have sent nothing for quietAfterS (or never): a closed store or a broken relay. */
export function quietStores<T extends { last_event_at: string | null }>(
  stores: readonly T[],
  nowMs: number,
  quietAfterS = 300,
): (T & { quietSeconds: number | null })[] {
  return stores
    .map((s) => ({
      ...s,
      quietSeconds: s.last_event_at === null ? null : (nowMs - Date.parse(s.last_event_at)) / 1000,
    }))
    .filter((s) => s.quietSeconds === null || s.quietSeconds > quietAfterS);
}
