/**
 * The pipeline's topic names and the Avro namespaces: one definition each, shared by every
 * producer, processor, sink and tool (re-exported by catalogue.ts, which routes events to them).
 */
export const TOPICS = {
  /** All store events, key `store_id`. */
  posEvents: 'retail.pos.events',
  /** Validated, deduplicated store events with `enrichment` set, key `store_id` (ingest processor). */
  enrichedEvents: 'retail.events.enriched',
  /** Rejected records: original key, value and headers plus `dlq.*` headers saying why. */
  deadLetters: 'retail.events.dlq',
  /** Dead letters that failed again after their last allowed redrive (`retail dlq redrive`), dlq.* kept. */
  dlqParking: 'retail.dlq.parking',
  /** Compacted, key `store_id`. */
  refStores: 'retail.ref.stores',
  /** Compacted, key `sku`. */
  refProducts: 'retail.ref.products',
  /** KPI window upserts, key (scope, window_size, window_start). */
  kpiWindows: 'retail.kpi.windows',
  /** KPI windows internal: store-window revisions for the chain stage (1 partition, compacted). */
  kpiStoreWindows: 'retail.kpi.store-windows',
  /** KPI windows internal: per-partition state changelog (compacted, JSON, not an event contract). */
  kpiChangelog: 'retail.kpi.changelog',
  /** KPI late events (corrections path): the enriched record as consumed plus kpi.late.* headers. */
  kpiLate: 'retail.kpi.late',
  /** Raw records ingest dropped as duplicates (original key, value, headers + ingest.* trace headers), for `retail trace`. */
  ingestDuplicates: 'retail.ingest.duplicates',
  /** Operational alerts (sequence gaps from the ingest processor), key `store_id`. */
  opsAlerts: 'retail.ops.alerts',
  /** Compacted, key `store_id`, JSON: the epoch an operator started for a store (`retail store epoch`). */
  storeEpochs: 'retail.ops.store-epochs',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const NAMESPACES = {
  events: 'retail.events',
  ref: 'retail.ref',
  kpi: 'retail.kpi',
} as const;
