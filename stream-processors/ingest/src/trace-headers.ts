import type { IHeaders, KafkaMessage } from 'kafkajs';

/**
 * Headers ingest adds so `retail trace` finds an event's raw record without scanning topics:
 * every enriched record and every duplicate record names the raw record it came from. The
 * Postgres sink keeps them in hq_inbox (sinks/postgres/src/tables/inbox.ts reads the same names).
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

/** The original headers plus where the raw record was (partition, offset, timestamp). */
export function withSourceHeaders(m: KafkaMessage, partition: number): IHeaders {
  return {
    ...m.headers,
    [TRACE_HEADERS.rawPartition]: String(partition),
    [TRACE_HEADERS.rawOffset]: m.offset,
    [TRACE_HEADERS.rawTimestamp]: m.timestamp,
  };
}

/**
 * The record of a duplicate ingest dropped, for the duplicates topic: original key, value and
 * headers (the dead-letter shape, so the same tools read both) plus the source headers and what
 * ingest decoded. Small and rare: a copy exists only when a relay re-sent after a lost ack.
 */
export function duplicateRecord(
  m: KafkaMessage,
  partition: number,
  event: { event_id: string; store_seq: number },
  now: number,
): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  return {
    key: m.key,
    value: m.value,
    headers: {
      ...withSourceHeaders(m, partition),
      [TRACE_HEADERS.eventId]: event.event_id,
      [TRACE_HEADERS.storeSeq]: String(event.store_seq),
      [TRACE_HEADERS.seenAt]: String(now),
    },
  };
}
