import { describe, expect, it } from 'vitest';
import type { Message } from 'kafkajs';
import { toSignedMessages } from './kafka-publisher.ts';
import { chunkBySize, recordSize } from './record-chunks.ts';

describe('chunkBySize', () => {
  const size = (n: number) => n;

  it('keeps order and fills chunks up to the limit', () => {
    expect(chunkBySize([4, 4, 4, 4, 4], size, 10)).toEqual([[4, 4], [4, 4], [4]]);
    expect(chunkBySize([5, 5, 5], size, 10)).toEqual([[5, 5], [5]]);
  });

  it('gives an oversized item a chunk of its own instead of dropping it', () => {
    expect(chunkBySize([3, 50, 3], size, 10)).toEqual([[3], [50], [3]]);
  });

  it('returns nothing for nothing', () => {
    expect(chunkBySize([], size, 10)).toEqual([]);
  });

  it('concatenating the chunks gives back the input', () => {
    const items = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 97);
    expect(chunkBySize(items, size, 300).flat()).toEqual(items);
  });
});

describe('recordSize', () => {
  it('counts the value, key and headers', () => {
    const e = {
      storeId: 's1',
      storeSeq: 1,
      eventId: 'x'.repeat(36),
      eventType: 'SaleRecorded',
      traceId: 't'.repeat(32),
      value: Buffer.alloc(500),
      payload: {},
    };
    expect(recordSize(e)).toBeGreaterThan(500 + 36 + 32 + 12 + 2);
    expect(recordSize(e)).toBeLessThan(800);
  });
});

/** The bytes a built message carries: key, value, every header's name and value. */
function messageBytes(m: Message): number {
  const len = (v: unknown) => (Buffer.isBuffer(v) ? v.length : Buffer.byteLength(String(v ?? '')));
  let n = len(m.key) + len(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += k.length + len(v);
  return n;
}

describe('recordSize against the message the publisher really sends', () => {
  // Headers added since recordSize was written (epoch, traceparent, signature) were not counted:
  // a backlog of small events then made chunks above the broker's limit (MESSAGE_TOO_LARGE), and
  // the relay re-sent the same chunk forever (seen in bench:e2e's catch-up, 2026-12-06).
  const event = (withEpochAndTrace: boolean) => ({
    storeId: 'S-0001',
    storeSeq: 1,
    eventId: '0193a0b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b',
    eventType: 'PaymentCaptured',
    traceId: 'a'.repeat(32),
    value: Buffer.alloc(300),
    payload: {},
    ...(withEpochAndTrace
      ? {
          storeEpoch: 'e'.repeat(32),
          trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), flags: 1 },
        }
      : {}),
  });
  const key = { version: 'v2', key: Buffer.alloc(32, 7) };

  it.each([true, false])('bounds the signed message from above (epoch and trace: %s)', (full) => {
    const e = event(full);
    const [message] = toSignedMessages([e], key);
    const real = messageBytes(message!);
    expect(recordSize(e)).toBeGreaterThanOrEqual(real);
    // ... and not by so much that chunks get small: the framing and a long key version at most.
    expect(recordSize(e) - real).toBeLessThan(160);
  });
});
