import { describe, expect, it } from 'vitest';
import { messageSize, produceRequests } from './produce-requests.ts';

const msg = (n: number, bytes: number) => ({ key: `k${n}`, value: Buffer.alloc(bytes, n % 256) });

describe('produce requests', () => {
  it('keeps every request under the limit and every topic in order', () => {
    const enriched = Array.from({ length: 50 }, (_, i) => msg(i, 900));
    const dlq = Array.from({ length: 5 }, (_, i) => msg(100 + i, 300));
    const requests = produceRequests(
      [
        { topic: 'out', messages: enriched },
        { topic: 'dlq', messages: dlq },
      ],
      10_000,
    );
    expect(requests.length).toBeGreaterThan(4);
    for (const r of requests) {
      const size = r.flatMap((t) => t.messages).reduce((s, m) => s + messageSize(m), 0);
      expect(size).toBeLessThanOrEqual(10_000);
    }
    const flat = (topic: string) =>
      requests.flatMap((r) => r.filter((t) => t.topic === topic).flatMap((t) => t.messages));
    expect(flat('out')).toEqual(enriched);
    expect(flat('dlq')).toEqual(dlq);
  });

  it('gives a record larger than the limit a request of its own, and nothing for nothing', () => {
    const requests = produceRequests(
      [{ topic: 't', messages: [msg(1, 10), msg(2, 5_000), msg(3, 10)] }],
      1_000,
    );
    expect(requests.map((r) => r[0]!.messages.length)).toEqual([1, 1, 1]);
    expect(produceRequests([], 1_000)).toEqual([]);
  });
});
