import { childTraceparent, STORE_HEADERS, TRACE_HEADERS, TRACEPARENT_HEADER } from '@retail-stream/runtime';
import type { IHeaders, KafkaMessage } from 'kafkajs';

export { TRACE_HEADERS };

/**
 * The original headers plus where the raw record was (partition, offset, timestamp), and the W3C
 * traceparent continued: same trace as the raw record's, ingest's own new span as the parent.
 */
export function withSourceHeaders(m: KafkaMessage, partition: number): IHeaders {
  return {
    ...m.headers,
    [TRACEPARENT_HEADER]: childTraceparent(m.headers),
    [TRACE_HEADERS.rawPartition]: String(partition),
    [TRACE_HEADERS.rawOffset]: m.offset,
    [TRACE_HEADERS.rawTimestamp]: m.timestamp,
  };
}

/**
 * The headers of an enriched record: the raw record's, minus its store signature, plus the source
 * headers and the traceparent continued (as withSourceHeaders). The signature covers the raw value, which the enriched value is not, so carrying it on
 * would state something false (docs/architecture.md, "Processors on the hot path").
 */
export function enrichedHeaders(m: KafkaMessage, partition: number): IHeaders {
  const headers: IHeaders = {};
  for (const name in m.headers) {
    if (name !== STORE_HEADERS.signature) headers[name] = m.headers[name];
  }
  headers[TRACEPARENT_HEADER] = childTraceparent(m.headers);
  headers[TRACE_HEADERS.rawPartition] = String(partition);
  headers[TRACE_HEADERS.rawOffset] = m.offset;
  headers[TRACE_HEADERS.rawTimestamp] = m.timestamp;
  return headers;
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
