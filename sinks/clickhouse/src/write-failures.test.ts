import { AppError, TransientError } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { classifyClickhouseWrite } from './write-failures.ts';

const rejected = (code: number) =>
  new AppError('CLICKHOUSE_REJECTED', `code ${code}`, { retriable: false, details: { code } });

describe('classifyClickhouseWrite', () => {
  it('a value ClickHouse cannot take is poison (dead-lettered after isolation)', () => {
    for (const code of [27, 53, 131, 321, 469]) {
      expect(classifyClickhouseWrite(rejected(code))).toEqual({
        kind: 'poison',
        code: 'CLICKHOUSE_DATA_REJECTED',
      });
    }
  });

  it('no answer or overload is retriable; an unknown table is a bug', () => {
    expect(classifyClickhouseWrite(new TransientError('CLICKHOUSE_UNAVAILABLE', 'down'))).toEqual({
      kind: 'retriable',
    });
    expect(classifyClickhouseWrite(rejected(60))).toEqual({ kind: 'bug' });
    expect(classifyClickhouseWrite(new Error('boom'))).toEqual({ kind: 'bug' });
  });
});
