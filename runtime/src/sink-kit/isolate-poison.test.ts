import { describe, expect, it } from 'vitest';
import { AppError, TransientError } from '../errors.ts';
import { isolatePoison } from './isolate-poison.ts';
import type { WriteFailure } from './write-failure.ts';

class Refused extends AppError {
  constructor(what: string) {
    super('PG_DATA_REJECTED', `refused ${what}`);
  }
}

const classify = (err: unknown): WriteFailure =>
  err instanceof Refused
    ? { kind: 'poison', code: 'PG_DATA_REJECTED' }
    : err instanceof TransientError
      ? { kind: 'retriable' }
      : { kind: 'bug' };

/** A store that refuses (atomically, like one transaction) any write holding a bad item. */
function fakeStore(bad: Set<number>) {
  const written: number[] = [];
  const writes: number[][] = [];
  const write = async (part: number[]) => {
    writes.push(part);
    const refused = part.find((i) => bad.has(i));
    if (refused !== undefined) throw new Refused(String(refused));
    written.push(...part);
  };
  return { written, writes, write };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('isolatePoison', () => {
  it('finds the one refused record and writes every other one, in order', async () => {
    const s = fakeStore(new Set([37]));
    const poison = await isolatePoison(range(100), s.write, classify, {
      code: 'PG_DATA_REJECTED',
      message: 'x',
    });
    expect(poison).toEqual([{ index: 37, reason: { code: 'PG_DATA_REJECTED', message: 'refused 37' } }]);
    expect(s.written).toEqual(range(100).filter((i) => i !== 37));
    // log2(100) levels, two writes each at most.
    expect(s.writes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(100)));
  });

  it('finds several refused records, first and last included', async () => {
    const bad = new Set([0, 13, 14, 63]);
    const s = fakeStore(bad);
    const poison = await isolatePoison(range(64), s.write, classify, {
      code: 'PG_DATA_REJECTED',
      message: 'x',
    });
    expect(poison.map((p) => p.index)).toEqual([0, 13, 14, 63]);
    expect(s.written).toEqual(range(64).filter((i) => !bad.has(i)));
  });

  it('a single refused record is the answer without another write', async () => {
    const s = fakeStore(new Set([0]));
    const poison = await isolatePoison([0], s.write, classify, { code: 'PG_DATA_REJECTED', message: 'why' });
    expect(poison).toEqual([{ index: 0, reason: { code: 'PG_DATA_REJECTED', message: 'why' } }]);
    expect(s.writes).toEqual([]);
  });

  it('without a known first failure, writes everything alone first (the refusal may have been another batch’s)', async () => {
    const s = fakeStore(new Set());
    expect(await isolatePoison(range(10), s.write, classify)).toEqual([]);
    expect(s.writes).toEqual([range(10)]);
    const t = fakeStore(new Set([4]));
    expect((await isolatePoison(range(10), t.write, classify)).map((p) => p.index)).toEqual([4]);
    expect(t.written).toEqual(range(10).filter((i) => i !== 4));
  });

  it('records refused only together are all written when halves pass', async () => {
    let calls = 0;
    const write = async (part: number[]) => {
      calls++;
      if (part.length === 4) throw new Refused('pair');
    };
    expect(
      await isolatePoison(range(4), write, classify, { code: 'PG_DATA_REJECTED', message: 'x' }),
    ).toEqual([]);
    expect(calls).toBe(2);
  });

  it('a retriable failure on the way throws it, so the runner retries the whole batch', async () => {
    let n = 0;
    const write = async () => {
      if (++n === 2) throw new TransientError('PG_UNAVAILABLE', 'down');
      throw new Refused('x');
    };
    await expect(
      isolatePoison(range(8), write, classify, { code: 'PG_DATA_REJECTED', message: 'x' }),
    ).rejects.toMatchObject({ code: 'PG_UNAVAILABLE', retriable: true });
  });

  it('a bug on the way throws non-retriable, whatever the error said', async () => {
    const write = async () => {
      throw Object.assign(new Error('relation does not exist'), { retriable: true });
    };
    await expect(isolatePoison(range(8), write, classify)).rejects.toMatchObject({
      code: 'SINK_WRITE_FAILED',
      retriable: false,
    });
  });
});
