import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { STORE_HEADERS } from '@retail-stream/runtime';
import { duplicateRecord, enrichedHeaders, TRACE_HEADERS, withSourceHeaders } from './trace-headers.ts';

const raw: KafkaMessage = {
  key: Buffer.from('s1'),
  value: Buffer.from([0, 0, 0, 0, 1]),
  offset: '42',
  timestamp: '1764903600000',
  attributes: 0,
  headers: { event_id: Buffer.from('e1') },
};

describe('trace headers', () => {
  it('an enriched record names its raw record and keeps the original headers', () => {
    expect(withSourceHeaders(raw, 3)).toEqual({
      event_id: Buffer.from('e1'),
      [TRACE_HEADERS.rawPartition]: '3',
      [TRACE_HEADERS.rawOffset]: '42',
      [TRACE_HEADERS.rawTimestamp]: '1764903600000',
    });
  });

  it('an enriched record does not carry the raw store signature (it covers the raw value)', () => {
    const signed = { ...raw, headers: { ...raw.headers, [STORE_HEADERS.signature]: 'v1:v1:abc' } };
    expect(enrichedHeaders(signed, 3)).toEqual(withSourceHeaders(raw, 3));
    expect(withSourceHeaders(signed, 3)[STORE_HEADERS.signature]).toBe('v1:v1:abc');
  });

  it('a duplicate record is the original plus where it was and what ingest dropped', () => {
    const d = duplicateRecord(raw, 3, { event_id: 'e1', store_seq: 7 }, 1764903605000);
    expect(d.key).toBe(raw.key);
    expect(d.value).toBe(raw.value);
    expect(d.headers).toMatchObject({
      [TRACE_HEADERS.rawOffset]: '42',
      [TRACE_HEADERS.eventId]: 'e1',
      [TRACE_HEADERS.storeSeq]: '7',
      [TRACE_HEADERS.seenAt]: '1764903605000',
    });
  });
});
