import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crc32c } from './crc32c.ts';
import {
  encodeProduceRequest,
  FAST_PRODUCE_KAFKAJS_VERSION,
  installFastProduceEncoding,
  kafkajsProduceRequest,
  type ProduceArgs,
  type ProduceMessage,
} from './kafka-produce-encoding.ts';

const require = createRequire(import.meta.url);
const kafkajsDir = path.dirname(require.resolve('kafkajs/package.json'));
const kafkajsCrc32c = require(path.join(kafkajsDir, 'src/protocol/recordBatch/crc32C/index.js')) as (
  b: Buffer,
) => number;
const Long = require(path.join(kafkajsDir, 'src/utils/long.js')) as { fromInt(v: number): unknown };
const produceProtocol = require(path.join(kafkajsDir, 'src/protocol/requests/produce/index.js')) as {
  protocol: (v: {
    version: number;
  }) => (args: ProduceArgs) => { request: { encode: () => Promise<{ buf: Buffer; offset: number }> } };
};

const NOW = 1_765_000_000_000;

async function kafkajsBytes(args: ProduceArgs): Promise<Buffer> {
  const encoder = (await kafkajsProduceRequest(args).encode()) as unknown as { buffer: Buffer };
  return encoder.buffer;
}

function oursBytes(args: ProduceArgs): Buffer {
  const encoder = encodeProduceRequest(args);
  expect(encoder).toBeDefined();
  return encoder!.buf.subarray(0, encoder!.offset);
}

function message(i: number, valueBytes = 100): ProduceMessage {
  return {
    key: `store-${String(i % 7).padStart(4, '0')}`,
    value: crypto.randomBytes(valueBytes),
    timestamp: String(NOW + ((i * 37) % 11) * 1000),
    headers: {
      event_type: 'SaleRecorded',
      event_id: crypto.randomUUID(),
      'store.signature': Buffer.from(`v1:k1:${i}`),
      traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    },
  };
}

function args(messagesPerPartition: ProduceMessage[][], extra: Partial<ProduceArgs> = {}): ProduceArgs {
  return {
    acks: -1,
    timeout: 30_000,
    topicData: [
      {
        topic: 'retail.enriched.v1',
        partitions: messagesPerPartition.map((messages, p) => ({
          partition: p,
          firstSequence: p * 10,
          messages,
        })),
      },
    ],
    ...extra,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('encodeProduceRequest: the same bytes as kafkajs', () => {
  it('a transactional request over two topics and several partitions, headers with strings, Buffers and arrays', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    const request: ProduceArgs = {
      acks: -1,
      timeout: 30_000,
      transactionalId: 'ingest-retail.raw.v1-3',
      producerId: Long.fromInt(4711),
      producerEpoch: 3,
      topicData: [
        {
          topic: 'retail.enriched.v1',
          partitions: [
            { partition: 0, firstSequence: 5, messages: Array.from({ length: 20 }, (_, i) => message(i)) },
            {
              partition: 4,
              messages: [
                message(1, 2560),
                { ...message(2), headers: { multi: ['a', Buffer.from('b'), 'c'] } },
              ],
            },
          ],
        },
        {
          topic: 'retail.dlq.v1',
          partitions: [{ partition: 2, firstSequence: 0, messages: [message(3, 0)] }],
        },
      ],
    };
    expect(oursBytes(request)).toEqual(await kafkajsBytes(request));
  });

  it('null keys and values, no headers, no timestamps, not transactional, default producer id', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    const request = args(
      [
        [
          { key: null, value: null },
          { value: 'plain text' },
          { key: Buffer.alloc(0), value: Buffer.alloc(0), headers: {} },
        ],
      ],
      {
        acks: 1,
      },
    );
    expect(oursBytes(request)).toEqual(await kafkajsBytes(request));
  });

  it('multi-byte varints: large values, 300 records, UTF-8 keys and headers, negative and numeric timestamp deltas', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW - 5_000);
    const many = Array.from({ length: 300 }, (_, i) => message(i, 40));
    const odd: ProduceMessage[] = [
      {
        key: 'cửa-hàng-ĐN',
        value: crypto.randomBytes(70_000),
        timestamp: NOW,
        headers: { 'ghi-chú': 'đã bán ✓' },
      },
      { key: 'k', value: 'v' }, // no timestamp: Date.now(), 5 s before the first
      { key: 'k2', value: 'v2', timestamp: NOW + 2_000_000 },
    ];
    const request = args([many, odd], {
      transactionalId: 'relay-store-0042',
      producerId: Long.fromInt(9),
      producerEpoch: 1,
    });
    expect(oursBytes(request)).toEqual(await kafkajsBytes(request));
  });

  it.each([
    ['a compressed request', args([[message(1)]], { compression: 1 })],
    ['a header value kafkajs cannot size (number)', args([[{ ...message(1), headers: { n: 5 } }]])],
    ['a null header value (kafkajs throws)', args([[{ ...message(1), headers: { h: null } }]])],
    ['null headers', args([[{ ...message(1), headers: null as unknown as Record<string, unknown> }]])],
    ['a key that is neither string nor Buffer', args([[{ ...message(1), key: 5 as unknown as string }]])],
    ['a timestamp delta beyond 32 bits', args([[message(1), { key: 'k', value: 'v', timestamp: 1 }]])],
  ])('leaves %s to kafkajs', (_name, request) => {
    expect(encodeProduceRequest(request)).toBeUndefined();
  });
});

describe('crc32c', () => {
  it('matches kafkajs for every length around the 8-byte stride and for sub-ranges', () => {
    const data = crypto.randomBytes(4096);
    for (let n = 0; n <= 40; n++)
      expect(crc32c(data.subarray(0, n))).toBe(kafkajsCrc32c(data.subarray(0, n)));
    expect(crc32c(data)).toBe(kafkajsCrc32c(data));
    expect(crc32c(data, 3, 1001)).toBe(kafkajsCrc32c(data.subarray(3, 1001)));
    // Every alignment of the start against the 4-byte words the fast loop reads.
    for (let offset = 0; offset < 8; offset++) {
      for (const n of [15, 16, 17, 33, 100]) {
        const view = data.subarray(offset, offset + n);
        expect(crc32c(view)).toBe(kafkajsCrc32c(view));
      }
    }
    // The standard check value of CRC-32C.
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

describe('installFastProduceEncoding', () => {
  it('is verified against the kafkajs installed here', () => {
    // A kafkajs upgrade fails here first: re-run this file's byte comparisons against the new
    // version, then move FAST_PRODUCE_KAFKAJS_VERSION.
    expect((require(path.join(kafkajsDir, 'package.json')) as { version: string }).version).toBe(
      FAST_PRODUCE_KAFKAJS_VERSION,
    );
  });

  it('makes the produce versions kafkajs negotiates (v3–v7) encode through the exact-size encoder', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    const request = args([[message(1, 1000), message(2, 1000)]]);
    // kafkajs' own factory, kept aside by the module (whether or not another file installed first).
    const before = (await kafkajsProduceRequest(request).encode()) as unknown as {
      buf: Buffer;
      offset: number;
    };
    // kafkajs' Encoder grows by doubling: its buffer is a power of two larger than what it holds.
    expect(before.buf.length).toBeGreaterThan(before.offset);
    expect(installFastProduceEncoding()).toBe(true);
    expect(installFastProduceEncoding()).toBe(true);
    for (const version of [3, 4, 5, 6, 7]) {
      const after = await produceProtocol.protocol({ version })(request).request.encode();
      expect(after.buf.length).toBe(after.offset);
      expect(after.buf.subarray(0, after.offset)).toEqual(before.buf.subarray(0, before.offset));
    }
  });
});
