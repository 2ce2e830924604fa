import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { LEGACY_SOURCE_HEADERS, rawSourceOf, STORE_HEADERS } from '@retail-stream/runtime';
import { duplicateRecord, enrichedHeaders, TRACE_HEADERS, withSourceHeaders } from './trace-headers.ts';

const raw: KafkaMessage = {
  key: Buffer.from('s1'),
  value: Buffer.from([0, 0, 0, 0, 1]),
  offset: '42',
  timestamp: '1764903600000',
  attributes: 0,
  headers: {
    event_id: Buffer.from('e1'),
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
};

describe('trace headers', () => {
  it('an enriched record names its raw record, keeps the original headers and continues the trace', () => {
    const headers = withSourceHeaders(raw, 3);
    const traceparent = String(headers.traceparent);
    expect(traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(traceparent).not.toContain('00f067aa0ba902b7');
    expect(headers).toEqual({
      event_id: Buffer.from('e1'),
      traceparent,
      'ingest.source': '3/42/1764903600000',
    });
    expect(rawSourceOf(headers)).toEqual({ partition: 3, offset: '42', timestamp: 1764903600000 });
  });

  it('one source header replaces the three: a raw record without a timestamp (-1) gets an empty one', () => {
    const headers = withSourceHeaders({ ...raw, timestamp: '-1' }, 0);
    expect(headers[TRACE_HEADERS.source]).toBe('0/42/');
    expect(rawSourceOf(headers)).toEqual({ partition: 0, offset: '42', timestamp: null });
    for (const old of Object.values(LEGACY_SOURCE_HEADERS)) expect(headers).not.toHaveProperty(old);
  });

  it('an enriched record carries neither the raw store signature (it covers the raw value) nor trace_id (in the value)', () => {
    const signed = {
      ...raw,
      headers: {
        ...raw.headers,
        [STORE_HEADERS.signature]: 'v1:v1:abc',
        trace_id: Buffer.from('till-7-000123'),
      },
    };
    const enriched = enrichedHeaders(signed, 3);
    // Same headers as withSourceHeaders, but for the traceparent's span id (a new one each call).
    const { traceparent, ...rest } = withSourceHeaders(raw, 3);
    expect(enriched).toEqual({
      ...rest,
      traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/),
    });
    expect(enriched.traceparent).not.toBe(traceparent);
    expect(withSourceHeaders(signed, 3)[STORE_HEADERS.signature]).toBe('v1:v1:abc');
    expect(withSourceHeaders(signed, 3).trace_id).toEqual(Buffer.from('till-7-000123'));
  });

  it('a raw record without traceparent continues in its event trace_id when that is a W3C id', () => {
    const old = { ...raw, headers: { trace_id: Buffer.from('0af7651916cd43dd8448eb211c80319c') } };
    expect(String(withSourceHeaders(old, 0).traceparent)).toMatch(
      /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
    );
    const till = { ...raw, headers: { trace_id: Buffer.from('till-7-000123') } };
    expect(String(withSourceHeaders(till, 0).traceparent)).toMatch(
      /^00-(?!0af7651916cd43dd8448eb211c80319c)[0-9a-f]{32}-[0-9a-f]{16}-01$/,
    );
  });

  it('a duplicate record is the original plus where it was and what ingest dropped', () => {
    const d = duplicateRecord(raw, 3, { event_id: 'e1', store_seq: 7 }, 1764903605000);
    expect(d.key).toBe(raw.key);
    expect(d.value).toBe(raw.value);
    expect(d.headers).toMatchObject({
      [TRACE_HEADERS.source]: '3/42/1764903600000',
      [TRACE_HEADERS.eventId]: 'e1',
      [TRACE_HEADERS.storeSeq]: '7',
      [TRACE_HEADERS.seenAt]: '1764903605000',
    });
  });
});
