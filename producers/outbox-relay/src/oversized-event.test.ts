import { ValidationError } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import type { EncodedBatch } from './event-encoder.ts';
import type { OutboxRow } from './outbox-row.ts';
import { stopAtOversized, type RecordLimit } from './oversized-event.ts';
import type { OutboundEvent } from './publisher.ts';

const row = (seq: number): OutboxRow => ({
  storeSeq: seq,
  eventId: `id-${seq}`,
  eventType: 'SaleRecorded',
  traceId: 't',
  payload: {},
});
const event = (seq: number, bytes: number): OutboundEvent => ({
  storeId: 's1',
  storeSeq: seq,
  eventId: `id-${seq}`,
  eventType: 'SaleRecorded',
  traceId: 't',
  value: Buffer.alloc(bytes),
  payload: {},
});
const limit: RecordLimit = { maxBytes: 100, sizeOf: (e) => e.value.length, source: 'TEST_LIMIT' };

describe('stopAtOversized', () => {
  it('keeps a batch whose events all fit (the limit itself fits)', () => {
    const batch: EncodedBatch = { events: [event(1, 10), event(2, 100)] };
    expect(stopAtOversized([row(1), row(2)], batch, limit)).toBe(batch);
  });

  it('stops at the first event above the limit, keeping the ones before it, naming row, size and limit', () => {
    const rows = [row(1), row(2), row(3), row(4)];
    const batch: EncodedBatch = { events: [event(1, 10), event(2, 101), event(3, 500), event(4, 1)] };
    const out = stopAtOversized(rows, batch, limit);
    expect(out.events.map((e) => e.storeSeq)).toEqual([1]);
    expect(out.stopped).toMatchObject({ index: 1, row: rows[1] });
    expect(out.stopped?.error).toMatchObject({
      code: 'OUTBOX_EVENT_TOO_LARGE',
      retriable: false,
      details: { store_id: 's1', store_seq: 2, event_type: 'SaleRecorded', bytes: 101 },
    });
    expect(out.stopped?.error.message).toBe(
      'outbox event of store s1 at store_seq 2 (SaleRecorded, event_id id-2) is 101 bytes, ' +
        'larger than the destination accepts: the limit is 100 bytes (TEST_LIMIT)',
    );
  });

  it('an oversized event before a row that cannot be encoded stops the batch first', () => {
    const rows = [row(1), row(2), row(3)];
    const bad = new ValidationError('OUTBOX_ROW_INCONSISTENT', 'bad');
    const batch: EncodedBatch = {
      events: [event(1, 200), event(2, 1)],
      stopped: { index: 2, row: rows[2]!, error: bad },
    };
    const out = stopAtOversized(rows, batch, limit);
    expect(out.events).toEqual([]);
    expect(out.stopped?.row.storeSeq).toBe(1);
    expect(out.stopped?.error.code).toBe('OUTBOX_EVENT_TOO_LARGE');
  });
});
