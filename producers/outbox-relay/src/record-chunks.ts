import type { OutboundEvent } from './publisher.ts';

/** Kafka record framing (length, attributes, deltas, header counts) plus key and header bytes. */
const RECORD_OVERHEAD = 64;

export function recordSize(e: OutboundEvent): number {
  return (
    RECORD_OVERHEAD +
    e.value.length +
    Buffer.byteLength(e.storeId) +
    'event_type'.length +
    Buffer.byteLength(e.eventType) +
    'event_id'.length +
    e.eventId.length +
    'trace_id'.length +
    Buffer.byteLength(e.traceId)
  );
}

/**
 * Splits events, in order, into consecutive chunks of at most maxBytes each (a single larger
 * event gets a chunk of its own): one chunk is one produce request, i.e. one record batch, which
 * the broker refuses above message.max.bytes. Chunks are sent one after another, never together.
 */
export function chunkBySize<T>(items: readonly T[], sizeOf: (item: T) => number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
