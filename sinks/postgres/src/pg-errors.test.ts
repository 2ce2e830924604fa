import { TransientError } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { classifyPgError, PgDataError, toAppError } from './pg-errors.ts';

describe('classifyPgError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'transient'],
    [new Error('Connection terminated unexpectedly'), 'transient'],
    [{ code: '08006' }, 'transient'],
    [{ code: '57P01' }, 'transient'],
    [{ code: '57014' }, 'transient'],
    [{ code: '40P01' }, 'transient'],
    [{ code: '53300' }, 'transient'],
    [{ code: '22003' }, 'data'],
    [{ code: '23514' }, 'data'],
    [{ code: '42P01' }, 'fatal'],
    [{ code: '42601' }, 'fatal'],
  ])('%j → %s', (err, kind) => {
    expect(classifyPgError(err)).toBe(kind);
  });

  it('wraps into the error types the runner and the handler act on', () => {
    expect(toAppError({ code: '08006', message: 'x' })).toBeInstanceOf(TransientError);
    expect(toAppError({ code: '22003', message: 'x' })).toBeInstanceOf(PgDataError);
    const fatal = toAppError({ code: '42P01', message: 'no table' });
    expect([fatal.code, fatal.retriable]).toEqual(['PG_FAILED', false]);
  });
});
