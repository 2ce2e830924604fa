import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ConsumedBatch } from '../consumer-runner.ts';
import { AppError, TransientError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { AsyncCommits } from './async-commits.ts';

function batch(partition: number, from: number, count: number, stale = () => false): ConsumedBatch {
  const messages = Array.from({ length: count }, (_, i) => ({ offset: String(from + i) }) as KafkaMessage);
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

function setup(maxPendingBatches = 10) {
  const commits: string[] = [];
  const retries: string[] = [];
  const fatal: unknown[] = [];
  const c = new AsyncCommits({
    commit: async (topic, partition, offset) => void commits.push(`${topic}[${partition}]@${offset}`),
    maxPendingBatches,
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
