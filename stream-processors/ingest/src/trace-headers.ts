import {
  childTraceparent,
  formatSourceHeader,
  STORE_HEADERS,
  TRACE_HEADERS,
  TRACEPARENT_HEADER,
} from '@retail-stream/runtime';
import type { IHeaders, KafkaMessage } from 'kafkajs';

export { TRACE_HEADERS };

/**
 * Raw headers an enriched record does not carry on. `store.signature`: it covers the raw value,
 * which the enriched value is not, so carrying it on would state something false
 * (docs/architecture.md, "Processors on the hot path"). `trace_id`: a copy of the value's
 * `trace_id` whose one header reader (a record without `traceparent`) never sees an enriched
 * record, since ingest always writes `traceparent`; each header costs kafkajs buffers per record.
 */
const NOT_ENRICHED = new Set<string>([STORE_HEADERS.signature, 'trace_id']);

/**
 * The original headers plus where the raw record was (`ingest.source`: partition, offset,
 * timestamp), and the W3C traceparent continued: same trace as the raw record's, ingest's own new
 * span as the parent.
 */
export function withSourceHeaders(m: KafkaMessage, partition: number): IHeaders {
  return {
    ...m.headers,
    [TRACEPARENT_HEADER]: childTraceparent(m.headers),
    [TRACE_HEADERS.source]: formatSourceHeader(partition, m.offset, m.timestamp),
  };
}

/**
 * The headers of an enriched record: the raw record's minus NOT_ENRICHED, plus `ingest.source` and
 * the traceparent continued (as withSourceHeaders).
 */
export function enrichedHeaders(m: KafkaMessage, partition: number): IHeaders {
  const headers: IHeaders = {};
  for (const name in m.headers) {
    if (!NOT_ENRICHED.has(name)) headers[name] = m.headers[name];
  }
  headers[TRACEPARENT_HEADER] = childTraceparent(m.headers);
  headers[TRACE_HEADERS.source] = formatSourceHeader(partition, m.offset, m.timestamp);
  return headers;
}

/**
 * The record of a duplicate ingest dropped, for the duplicates topic: original key, value and
 * headers (the dead-letter shape, so the same tools read both) plus the source header and what
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
