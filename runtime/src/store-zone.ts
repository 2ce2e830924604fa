import { z } from 'zod';
import { isValidTimeZone } from './local-day.ts';

/**
 * The zone of a store that reference data does not (yet) name. Every part that buckets by a
 * store's local day (KPI windows, the Cassandra day projection, reconcile, the nightly jobs) must
 * use the same one, or one day's figures land in different days in different sinks.
 */
export const DEFAULT_STORE_TIMEZONE = 'Asia/Ho_Chi_Minh';

/** A setting holding an IANA zone name, checked against Intl at startup. */
export const timeZoneSetting = (def: string) =>
  z
    .string()
    .default(def)
    .refine(isValidTimeZone, 'an IANA time zone name known to Intl, e.g. Asia/Ho_Chi_Minh');

/** The one environment setting for the zone of unknown stores; every service reads it under this name. */
export const storeZoneConfig = z.object({ STORE_DEFAULT_TIMEZONE: timeZoneSetting(DEFAULT_STORE_TIMEZONE) });

/** What storeTimeZone reads of an enriched event. */
export interface ZonedEvent {
  enrichment?: { store_known?: boolean | null; timezone?: string | null } | null;
}

/**
 * The zone a store's local day is computed in: the enrichment's zone when the store is known and
 * the zone is one Intl knows (reference data is input, so checked), else the default.
 */
export function storeTimeZone(ev: ZonedEvent, defaultTimeZone: string): string {
  const tz = ev.enrichment?.store_known ? ev.enrichment.timezone : null;
  return tz && isValidTimeZone(tz) ? tz : defaultTimeZone;
}
