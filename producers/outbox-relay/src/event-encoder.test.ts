import { AvroSerde, readSchemaId, WIRE_HEADER_BYTES } from '@retail-stream/runtime';
import { eventSchema } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { EventEncoder } from './event-encoder.ts';
import type { OutboxRow } from './outbox-row.ts';

// encodeWith never talks to the registry; the URL is never contacted.
const serde = AvroSerde.fromUrl('http://127.0.0.1:9');
const ids: Record<string, number> = {
  SaleRecorded: 11,
  PaymentCaptured: 12,
  PaymentFailed: 13,
  SaleVoided: 14,
  SaleRefunded: 15,
  GoodsReceived: 16,
  InventoryAdjusted: 17,
};
const encoder = new EventEncoder('s1', serde, (t) => ids[t]);

function rowOf(
  event: { store_seq: number; event_id: string; event_type: string; trace_id: string },
  payload: unknown = event,
): OutboxRow {
  return {
    storeSeq: event.store_seq,
    eventId: event.event_id,
    eventType: event.event_type,
    traceId: event.trace_id,
    payload,
  };
}

describe('EventEncoder', () => {
  it('encodes every store event type with its schema id, round-tripping exactly', () => {
    const events = new StoreEventFactory('s1').mixed(300);
    expect(new Set(events.map((e) => e.event_type)).size).toBe(7);
    const { events: out, stopped } = encoder.encodeBatch(events.map((e) => rowOf(e)));
    expect(stopped).toBeUndefined();
    out.forEach((o, i) => {
      const e = events[i]!;
      expect(readSchemaId(o.value)).toBe(ids[e.event_type]);
      expect(eventSchema(e.event_type).type.fromBuffer(o.value.subarray(WIRE_HEADER_BYTES))).toEqual(e);
      expect(o).toMatchObject({
        storeId: 's1',
        storeSeq: e.store_seq,
        eventId: e.event_id,
        eventType: e.event_type,
        traceId: e.trace_id,
      });
    });
  });

  it("writes the serde's exact bytes, also for a record larger than its scratch buffer", () => {
    const small = new EventEncoder('s1', serde, (t) => ids[t]);
    const events = new StoreEventFactory('s1').mixed(50);
    const [big] = new StoreEventFactory('s1').sales(1);
    const huge = { ...big!, lines: Array.from({ length: 1500 }, () => big!.lines[0]!) };
    for (const e of [...events, huge, ...events.slice(0, 3)]) {
      const expected = serde.encodeWith(ids[e.event_type]!, eventSchema(e.event_type).type, e);
      expect(small.encode(rowOf(e)).value.equals(expected)).toBe(true);
    }
  });

  it('stops at the first invalid row and says why (a bug at the edge, not retriable)', () => {
    const events = new StoreEventFactory('s1').sales(5);
    const bad = { ...events[2]!, total_minor: 'lots' };
    const { events: out, stopped } = encoder.encodeBatch(events.map((e, i) => rowOf(e, i === 2 ? bad : e)));
    expect(out.map((o) => o.storeSeq)).toEqual([1, 2]);
    expect(stopped?.index).toBe(2);
    expect(stopped?.error).toMatchObject({ code: 'AVRO_INVALID_VALUE', retriable: false });
    expect(stopped?.error.message).toContain('total_minor');
  });

  it('refuses payloads that disagree with the row columns and unknown event types', () => {
    const [sale] = new StoreEventFactory('s1').sales(1);
    expect(() => encoder.encode(rowOf(sale!, { ...sale!, store_seq: 99 }))).toThrow(
      expect.objectContaining({ code: 'OUTBOX_ROW_INCONSISTENT' }),
    );
    expect(() => encoder.encode(rowOf(sale!, { ...sale!, store_id: 'other' }))).toThrow(
      expect.objectContaining({ code: 'OUTBOX_ROW_INCONSISTENT' }),
    );
    expect(() => encoder.encode(rowOf(sale!, [1, 2]))).toThrow(
      expect.objectContaining({ code: 'OUTBOX_ROW_INCONSISTENT' }),
    );
    expect(() => encoder.encode({ ...rowOf(sale!), eventType: 'KpiWindowUpdated' })).toThrow(
      expect.objectContaining({ code: 'OUTBOX_UNKNOWN_EVENT_TYPE' }),
    );
  });

  it('treats an unknown schema id as transient (registry not reached yet), not as a bad row', () => {
    const [sale] = new StoreEventFactory('s1').sales(1);
    const noIds = new EventEncoder('s1', serde, () => undefined);
    const { stopped } = noIds.encodeBatch([rowOf(sale!)]);
    expect(stopped?.error).toMatchObject({ code: 'SCHEMA_ID_UNKNOWN', retriable: true });
  });
});
