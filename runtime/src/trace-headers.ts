/**
 * Header names ingest adds so `retail trace` finds an event's raw record without scanning topics:
 * every enriched record and every duplicate record names the raw record it came from. Defined once
 * here: ingest writes them, the Postgres sink keeps them in hq_inbox, the trace index reads them.
 */
export const TRACE_HEADERS = {
  rawPartition: 'ingest.source.partition',
  rawOffset: 'ingest.source.offset',
  /** The raw record's Kafka timestamp (ms): when the relay's copy reached the broker. */
  rawTimestamp: 'ingest.source.timestamp',
  /** On duplicate records only: the event id and store_seq that ingest dropped. */
  eventId: 'ingest.event_id',
  storeSeq: 'ingest.store_seq',
  /** On duplicate records only: when ingest saw the copy (ms). */
  seenAt: 'ingest.seen_at',
} as const;
