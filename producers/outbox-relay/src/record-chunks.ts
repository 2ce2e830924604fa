import { STORE_EPOCH_HEADER, STORE_HEADERS, TRACEPARENT_HEADER } from '@retail-stream/runtime';
import type { OutboundEvent } from './publisher.ts';

/** Kafka record framing (length, attributes, deltas, header count). */
const RECORD_OVERHEAD = 64;
/** Per header: its key's and value's length varints. */
const HEADER_OVERHEAD = 4;
/** A W3C traceparent: `00-<32 hex>-<16 hex>-<2 hex>`. */
const TRACEPARENT_BYTES = 55;
/**
 * `v1:<key version>:<base64url HMAC-SHA256>` (store-signature.ts): 3 + version + 1 + 43, with key
 * versions bounded at 32 characters here (they are short, e.g. `v2`).
 */
const SIGNATURE_BYTES = 3 + 32 + 1 + 43;

/**
 * An upper bound of the bytes one event takes in a record batch: value, key and every header the
 * Kafka publisher sets (kafka-publisher.ts toSignedMessages; a test holds the two together). An
 * underestimate makes a chunk the broker refuses as MESSAGE_TOO_LARGE, and the relay would send
 * that same chunk forever.
 */
export function recordSize(e: OutboundEvent): number {
  let bytes =
    RECORD_OVERHEAD +
    e.value.length +
    Buffer.byteLength(e.storeId) +
    header('event_type', Buffer.byteLength(e.eventType)) +
    header('event_id', Buffer.byteLength(e.eventId)) +
    header('trace_id', Buffer.byteLength(e.traceId)) +
    header(STORE_HEADERS.signature, SIGNATURE_BYTES);
  if (e.storeEpoch !== undefined) bytes += header(STORE_EPOCH_HEADER, Buffer.byteLength(e.storeEpoch));
  if (e.trace !== undefined) bytes += header(TRACEPARENT_HEADER, TRACEPARENT_BYTES);
  return bytes;
}

function header(name: string, valueBytes: number): number {
  return HEADER_OVERHEAD + name.length + valueBytes;
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
