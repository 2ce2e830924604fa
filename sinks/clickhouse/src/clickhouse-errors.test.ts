import { describe, expect, it } from 'vitest';
import { toSinkError } from './clickhouse-errors.ts';

describe('toSinkError', () => {
  it('no answer from the server is retriable', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18123'), { code: 'ECONNREFUSED' });
    expect(toSinkError(err, 'insert')).toMatchObject({ code: 'CLICKHOUSE_UNAVAILABLE', retriable: true });
    expect(toSinkError(new Error('Timeout error.'), 'insert')).toMatchObject({ retriable: true });
  });
  it('overload codes are retriable, in the 18.16 and the current message format', () => {
    const old = new Error('Code: 252, e.displayText() = DB::Exception: Too many parts (300)');
    const cur = new Error('Code: 241. DB::Exception: Memory limit exceeded (MEMORY_LIMIT_EXCEEDED)');
    expect(toSinkError(old, 'insert')).toMatchObject({ code: 'CLICKHOUSE_OVERLOADED', retriable: true });
    expect(toSinkError(cur, 'insert')).toMatchObject({ code: 'CLICKHOUSE_OVERLOADED', retriable: true });
  });
  it('a query the server refuses is not retriable', () => {
    const err = new Error("Code: 60, e.displayText() = DB::Exception: Table x.sales doesn't exist.");
    expect(toSinkError(err, 'insert into sales')).toMatchObject({
      code: 'CLICKHOUSE_REJECTED',
      retriable: false,
    });
  });
});
