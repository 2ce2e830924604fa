import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  fastRecordDecoder,
  installFastRecordDecoding,
  kafkajsRecordDecoder,
  type BatchContext,
} from './kafka-record-decoding.ts';

const require = createRequire(import.meta.url);
type Encoder = { buffer: Buffer };
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: object) => Encoder;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => {
  buffer: Buffer;
  offset: number;
  readVarIntBytes(): Buffer;
};
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: string | number): unknown };

/** One record's body as a record batch holds it, and a decoder positioned on it. */
function recordDecoder(record: object): InstanceType<typeof Decoder> {
  const framed = new Decoder(encodeRecord(record).buffer);
  return new Decoder(framed.readVarIntBytes()) as never;
}

const context = (over: Partial<BatchContext> = {}): BatchContext => ({
  firstOffset: '1234567',
  firstTimestamp: '1765000000000',
  magicByte: 2,
  isControlBatch: false,
  timestampType: 0,
  ...over,
});

const cases: [string, object, BatchContext][] = [
  [
    'six headers, as on the enriched topic',
    {
      offsetDelta: 17,
      timestampDelta: Long.fromValue(1500),
      key: Buffer.from('s001'),
      value: Buffer.from('value bytes'),
      headers: {
        event_type: 'SaleRecorded',
        event_id: 'e1',
        trace_id: 't',
        'store.epoch': 'x',
        traceparent: 'tp',
        'ingest.source': '1/2/3',
      },
    },
    context(),
  ],
  [
    'a repeated header, a null value and key',
    {
      offsetDelta: 0,
      timestampDelta: Long.fromValue(0),
      key: null,
      value: null,
      headers: { a: ['1', '2', '3'], b: 'only' },
    },
    context(),
  ],
  [
    'a negative timestamp delta',
    { offsetDelta: 3, timestampDelta: Long.fromValue(-250), key: Buffer.from('k'), value: Buffer.from('v') },
    context(),
  ],
  [
    'a timestamp delta beyond 2^49 (kafkajs arithmetic)',
    {
      offsetDelta: 1,
      timestampDelta: Long.fromValue('1000000000000000'),
      key: Buffer.from('k'),
      value: Buffer.from('v'),
    },
    context(),
  ],
  [
    'log-append time (kafkajs path)',
    { offsetDelta: 1, timestampDelta: Long.fromValue(9), key: Buffer.from('k'), value: Buffer.from('v') },
    context({ timestampType: 1, maxTimestamp: '1765000009999' }),
  ],
  [
    'an offset beyond 2^53 (kafkajs arithmetic)',
    { offsetDelta: 5, timestampDelta: Long.fromValue(1), key: Buffer.from('k'), value: Buffer.from('v') },
    context({ firstOffset: '9007199254740990' }),
  ],
];

describe('fastRecordDecoder', () => {
  it.each(cases)("decodes %s exactly as kafkajs' decoder", (_, record, ctx) => {
    const theirs = kafkajsRecordDecoder(recordDecoder(record) as never, ctx);
    const ours = fastRecordDecoder(recordDecoder(record) as never, ctx);
    expect(ours).toStrictEqual(theirs);
    expect(Object.keys(ours.headers as object)).toEqual(Object.keys(theirs.headers as object));
  });

  it('keeps a __proto__ header as an own property holding its value (kafkajs pairs it with Object.prototype)', () => {
    const ours = fastRecordDecoder(
      recordDecoder({
        key: null,
        value: null,
        timestampDelta: Long.fromValue(0),
        headers: { ['__proto__']: 'x' },
      }) as never,
      context(),
    );
    const headers = ours.headers as Record<string, unknown>;
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toEqual(Buffer.from('x'));
  });

  it('each record reads its own batch context (offsets and timestamps of interleaved batches)', () => {
    const a = context({ firstOffset: '100', firstTimestamp: '5000' });
    const b = context({ firstOffset: '900', firstTimestamp: '7000' });
    const rec = { offsetDelta: 2, timestampDelta: Long.fromValue(10), key: null, value: null };
    expect(fastRecordDecoder(recordDecoder(rec) as never, a)).toMatchObject({
      offset: '102',
      timestamp: '5010',
    });
    expect(fastRecordDecoder(recordDecoder(rec) as never, b)).toMatchObject({
      offset: '902',
      timestamp: '7010',
    });
    expect(fastRecordDecoder(recordDecoder(rec) as never, a)).toMatchObject({
      offset: '102',
      timestamp: '5010',
    });
  });

  it("is what kafkajs' record batch decoder uses once installed", async () => {
    expect(installFastRecordDecoding()).toBe(true);
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
      RecordBatch: (b: object) => Promise<Encoder>;
    };
    const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
      d: unknown,
    ) => Promise<{ records: { headers: Record<string, unknown> }[] }>;
    const record = encodeRecord({
      key: null,
      value: null,
      timestampDelta: Long.fromValue(0),
      headers: { ['__proto__']: 'x' },
    });
    const batch = await RecordBatch({
      firstTimestamp: 1765000000000,
      maxTimestamp: 1765000000000,
      records: [record],
    });
    const { records } = await decodeBatch(new Decoder(batch.buffer));
    // kafkajs' own decoder would give [Object.prototype, <x>]: only ours gives the value alone.
    expect(Object.getOwnPropertyDescriptor(records[0]!.headers, '__proto__')?.value).toEqual(
      Buffer.from('x'),
    );
  });
});
