import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ConsumedBatch } from '../consumer-runner.ts';
import { AppError, TransientError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { AsyncCommits } from './async-commits.ts';

function batch(
  partition: number,
  from: number,
  count: number,
  stale = () => false,
  valueBytes = 0,
): ConsumedBatch {
  const messages = Array.from(
    { length: count },
    (_, i) => ({ offset: String(from + i), value: Buffer.alloc(valueBytes) }) as KafkaMessage,
  );
  return {
    topic: 't',
    partition,
    messages,
    highWatermark: String(from + count),
    heartbeat: async () => undefined,
    isStale: stale,
  };
}

/** A write the test lands or fails when it wants. */
function gate() {
  let land!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((land = resolve), (fail = reject)));
  return { write: () => done, land, fail };
}

/** A batch of one record whose value is `bytes` long. */
function sized(partition: number, from: number, bytes: number): ConsumedBatch {
  return batch(partition, from, 1, () => false, bytes);
}

/** What the sink handler does with a pipelined batch: wait for room, then hand its write over. */
async function hand(c: AsyncCommits, b: ConsumedBatch, write: () => Promise<void>): Promise<void> {
  await c.room(b);
  c.track(b, write);
}

/** Lets woken handlers run: room() re-checks after a heartbeat, a few ticks after the wake. */
const settleTicks = () => new Promise((r) => setTimeout(r, 20));

function setup(maxPendingBatches = 10, maxPendingBytes = Number.MAX_SAFE_INTEGER) {
  const commits: string[] = [];
  const retries: string[] = [];
  const fatal: unknown[] = [];
  const c = new AsyncCommits({
    commit: async (topic, partition, offset) => void commits.push(`${topic}[${partition}]@${offset}`),
    maxPendingBatches,
    maxPendingBytes,
    retry: { initialMs: 1, maxMs: 2, jitter: 0 },
    logger: createLogger({ service: 'test', level: 'silent' }),
    onRetry: (_topic, code) => retries.push(code),
    onFatal: (err) => fatal.push(err),
  });
  return { c, commits, retries, fatal };
}

describe('AsyncCommits', () => {
  it('commits a partition only up to its durable prefix, whatever order writes land in', async () => {
    const { c, commits } = setup();
    const [a, b, other] = [gate(), gate(), gate()];
    c.track(batch(0, 0, 5), a.write);
    c.track(batch(0, 5, 5), b.write);
    c.track(batch(1, 0, 3), other.write);
    b.land();
    other.land();
    await new Promise((r) => setTimeout(r, 10));
    expect(commits).toEqual(['t[1]@3']); // p0's second batch landed, its first not: nothing of p0
    a.land();
    await c.drain();
    expect(commits).toEqual(['t[1]@3', 't[0]@10']);
  });

  it('retries a retriable failure with the same write until it lands, then commits', async () => {
    const { c, commits, retries } = setup();
    let calls = 0;
    c.track(batch(0, 0, 2), async () => {
      if (++calls < 3) throw new TransientError('SINK_STORE_UNAVAILABLE', 'down');
    });
    await c.drain();
    expect(calls).toBe(3);
    expect(retries).toEqual(['SINK_STORE_UNAVAILABLE', 'SINK_STORE_UNAVAILABLE']);
    expect(commits).toEqual(['t[0]@2']);
  });

  it('a bug stops: reported once, nothing of its partition committed after it', async () => {
    const { c, commits, fatal } = setup();
    const bug = new AppError('SINK_WRITE_FAILED', 'no such table', { retriable: false });
    c.track(batch(0, 0, 2), async () => {
      throw bug;
    });
    c.track(batch(0, 2, 2), async () => undefined);
    c.track(batch(1, 0, 1), async () => undefined);
    await c.drain();
    expect(fatal).toEqual([bug]);
    expect(commits).toEqual(['t[1]@1']);
  });

  it('never commits a batch of a revoked partition, nor lets it block what is read after', async () => {
    const { c, commits } = setup();
    let revoked = false;
    const old = gate();
    c.track(
      batch(0, 0, 4, () => revoked),
      old.write,
    );
    revoked = true;
    c.track(batch(0, 0, 4), async () => undefined); // re-read after the partition came back
    await new Promise((r) => setTimeout(r, 10));
    old.land();
    await c.drain();
    expect(commits).toEqual(['t[0]@4']);
  });

  it('room() holds a handler while maxPendingBatches writes are pending', async () => {
    const { c } = setup(1);
    const a = gate();
    c.track(batch(0, 0, 1), a.write);
    let entered = false;
    const waiting = c.room(batch(1, 0, 1)).then(() => (entered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(entered).toBe(false);
    a.land();
    await waiting;
    expect(entered).toBe(true);
  });

  it('room() holds a handler while maxPendingBytes are pending and lets it in once a write lands', async () => {
    const { c, commits } = setup(100, 1_000);
    const [a, b] = [gate(), gate()];
    await hand(c, sized(0, 0, 600), a.write);
    // 600 < 1,000 pending: admitted, which takes the pending bytes to 1,100.
    await hand(c, sized(1, 0, 500), b.write);
    expect(c.bytesPending).toBe(1_100);
    let entered = false;
    const third = sized(2, 0, 10);
    const waiting = c.room(third).then(() => (entered = true));
    await settleTicks();
    expect(entered).toBe(false); // 1,100 ≥ 1,000 pending
    b.land();
    await waiting; // 600 pending now
    expect(entered).toBe(true);
    expect(c.bytesPending).toBe(610); // the admitted batch's place is reserved before track
    c.track(third, async () => undefined);
    a.land();
    await c.drain();
    expect(c.bytesPending).toBe(0);
    expect(commits.sort()).toEqual(['t[0]@1', 't[1]@1', 't[2]@1']);
  });

  it('a batch larger than the whole budget still goes through alone, and the next waits for it', async () => {
    const { c, commits } = setup(100, 1_000);
    const big = gate();
    // Nothing pending: admitted although it exceeds the budget.
    await hand(c, sized(0, 0, 5_000), big.write);
    let entered = false;
    const waiting = c.room(sized(1, 0, 1)).then(() => (entered = true));
    await settleTicks();
    expect(entered).toBe(false);
    big.land();
    await waiting;
    expect(entered).toBe(true);
    await c.drain();
    expect(commits).toEqual(['t[0]@1']);
  });

  it('handlers woken by the same landed write do not all pass on the room it freed', async () => {
    const { c } = setup(100, 1_000);
    const first = gate();
    await hand(c, sized(0, 0, 1_000), first.write);
    const admitted: number[] = [];
    const waiters = [1, 2, 3].map((p) => c.room(sized(p, 0, 600)).then(() => admitted.push(p)));
    await settleTicks();
    expect(admitted).toEqual([]);
    first.land();
    await settleTicks();
    // 0 pending after the landing: the first woken takes 600, the second 600 more, the third waits.
    expect(admitted).toHaveLength(2);
    expect(c.bytesPending).toBe(1_200);
    c.stopRetrying(); // releases the last waiter so the test ends
    await Promise.all(waiters);
  });

  it('after stopRetrying a failed write is left uncommitted instead of retried', async () => {
    const { c, commits } = setup();
    c.stopRetrying();
    c.track(batch(0, 0, 1), async () => {
      throw new TransientError('SINK_STORE_UNAVAILABLE', 'down');
    });
    await c.drain();
    expect(commits).toEqual([]);
  });
});
