import { ValidationError } from '@retail-stream/runtime';
import type { EncodedBatch } from './event-encoder.ts';
import type { OutboxRow } from './outbox-row.ts';
import type { OutboundEvent } from './publisher.ts';

/** The largest single event a destination takes, measured the way the destination counts it. */
export interface RecordLimit {
  /** Bytes, as sizeOf counts them. */
  maxBytes: number;
  sizeOf(e: OutboundEvent): number;
  /** Where the limit comes from, for the message (e.g. `RELAY_MAX_REQUEST_BYTES`). */
  source: string;
}

export type EventTooLargeError = ValidationError<'OUTBOX_EVENT_TOO_LARGE'>;

/**
 * The error that stops a store at an event no destination request can carry: it names everything
 * an operator needs to find and fix the row (store, store_seq, type, event id, size, limit).
 */
export function eventTooLarge(
  e: Pick<OutboundEvent, 'storeId' | 'storeSeq' | 'eventType' | 'eventId'>,
  bytes: number,
  limit: string,
): EventTooLargeError {
  return new ValidationError(
    'OUTBOX_EVENT_TOO_LARGE',
    `outbox event of store ${e.storeId} at store_seq ${e.storeSeq} (${e.eventType}, event_id ${e.eventId}) ` +
      `is ${bytes} bytes, larger than the destination accepts: ${limit}`,
    {
      store_id: e.storeId,
      store_seq: e.storeSeq,
      event_type: e.eventType,
      event_id: e.eventId,
      bytes,
      limit,
    },
  );
}

/**
 * Cuts an encoded batch before its first event that is larger than `limit` on its own: that event
 * can never be sent (every attempt would be refused, and retrying forever looks like an outage), and
 * nothing after it may go out before it. The events before it are kept, so they are published; the
 * relay then stops the store at the oversized row as it does for a row that cannot be encoded.
 */
export function stopAtOversized(
  rows: readonly OutboxRow[],
  encoded: EncodedBatch,
  limit: RecordLimit,
): EncodedBatch {
  const { events } = encoded;
  for (let i = 0; i < events.length; i++) {
    const bytes = limit.sizeOf(events[i]!);
    if (bytes <= limit.maxBytes) continue;
    const error = eventTooLarge(events[i]!, bytes, `the limit is ${limit.maxBytes} bytes (${limit.source})`);
    // rows[i] is events[i]'s row: the encoder keeps rows and events aligned up to where it stopped.
    return { events: events.slice(0, i), stopped: { index: i, row: rows[i]!, error } };
  }
  return encoded;
}
