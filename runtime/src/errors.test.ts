import { describe, expect, it } from 'vitest';
import { AppError, errorCode, isRetriable, TransientError, ValidationError } from './errors.ts';

describe('typed errors', () => {
  it('carry code and retriable flag', () => {
    const t = new TransientError('DB_DOWN', 'postgres unreachable');
    const v = new ValidationError('BAD_QTY', 'quantity must be > 0', { field: 'qty' });
    expect([t.code, t.retriable, t.name]).toEqual(['DB_DOWN', true, 'TransientError']);
    expect([v.code, v.retriable, v.details]).toEqual(['BAD_QTY', false, { field: 'qty' }]);
    expect(v).toBeInstanceOf(AppError);
  });
  it('classify foreign errors conservatively', () => {
    expect(isRetriable(new Error('x'))).toBe(false);
    expect(isRetriable({ retriable: true })).toBe(true); // kafkajs errors expose this flag
    expect(errorCode(new Error('x'))).toBe('UNEXPECTED');
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  });
});
