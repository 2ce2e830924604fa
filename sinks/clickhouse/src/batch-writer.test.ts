import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { BatchWriter } from './batch-writer.ts';
import { countEncoded, type EncodedRows } from './encoded-rows.ts';

/** n records of one row each (the bytes do not matter to the batch writer). */
function rowsOf(n: number, table: 'sales' | 'payments' = 'sales'): EncodedRows {
  return new Map([[table, Array.from({ length: n }, () => ({ rows: 1, bytes: Buffer.alloc(0) }))]]);
}

function recorder(fail?: () => boolean) {
  const writes: number[] = [];
  const write = async (rows: EncodedRows) => {
    await sleep(5);
    if (fail?.()) throw new TransientError('CLICKHOUSE_UNAVAILABLE', 'down');
    writes.push(countEncoded(rows));
  };
  return { writes, write };
}

describe('BatchWriter', () => {
  it('a full batch is written at once and submit resolves only after the write', async () => {
    const r = recorder();
    const w = new BatchWriter({ maxRows: 10, intervalMs: 60_000 }, r.write);
    await w.submit(rowsOf(12));
    expect(r.writes).toEqual([12]);
  });

  it('small submissions inside the interval share one insert', async () => {
    const r = recorder();
    const w = new BatchWriter({ maxRows: 1_000, intervalMs: 100 }, r.write);
    await w.submit(rowsOf(1)); // first rows after a quiet period: at once
    const started = Date.now();
    await Promise.all([w.submit(rowsOf(3)), w.submit(rowsOf(4, 'payments')), w.submit(rowsOf(5))]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(r.writes).toEqual([1, 12]);
  });

  it('reaching the row bound while others wait flushes them all together', async () => {
    const r = recorder();
    const w = new BatchWriter({ maxRows: 10, intervalMs: 60_000 }, r.write);
    await w.submit(rowsOf(1));
    const a = w.submit(rowsOf(4));
    await sleep(20);
    expect(r.writes).toEqual([1]); // still waiting for the interval
    await Promise.all([a, w.submit(rowsOf(6))]);
    expect(r.writes).toEqual([1, 10]);
  });

  it('a failed insert rejects every batch in it; the next submission is written afresh', async () => {
    let down = false;
    const r = recorder(() => down);
    const w = new BatchWriter({ maxRows: 5, intervalMs: 60_000 }, r.write);
    await w.submit(rowsOf(1));
    down = true;
    // Both wait for the interval until together they reach the row bound: one insert, two batches.
    const results = await Promise.allSettled([w.submit(rowsOf(3)), w.submit(rowsOf(3))]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'CLICKHOUSE_UNAVAILABLE' });
    down = false;
    await w.submit(rowsOf(6));
    expect(r.writes).toEqual([1, 6]);
  });

  it('an empty submission resolves at once and writes nothing', async () => {
    const r = recorder();
    const w = new BatchWriter({ maxRows: 5, intervalMs: 60_000 }, r.write);
    await w.submit(new Map());
    expect(r.writes).toEqual([]);
  });

  it('with maxInFlight 2 a second flush starts while the first is still being written', async () => {
    let running = 0;
    let peak = 0;
    const w = new BatchWriter({ maxRows: 5, intervalMs: 60_000, maxInFlight: 2 }, async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(30);
      running--;
    });
    await Promise.all([w.submit(rowsOf(5)), w.submit(rowsOf(5)), w.submit(rowsOf(5))]);
    expect(peak).toBe(2);
  });

  it('with maxInFlight 1 flushes never overlap', async () => {
    let running = 0;
    let peak = 0;
    const w = new BatchWriter({ maxRows: 5, intervalMs: 60_000 }, async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
    });
    await Promise.all([w.submit(rowsOf(5)), w.submit(rowsOf(5)), w.submit(rowsOf(5))]);
    expect(peak).toBe(1);
  });

  it('close flushes what is pending', async () => {
    const r = recorder();
    const w = new BatchWriter({ maxRows: 1_000, intervalMs: 60_000 }, r.write);
    await w.submit(rowsOf(1));
    const p = w.submit(rowsOf(2));
    await w.close();
    await p;
    expect(r.writes).toEqual([1, 2]);
  });
});
