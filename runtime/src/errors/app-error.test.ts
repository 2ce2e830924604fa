import { describe, expect, it } from 'vitest';
import { AppError, errorCode, isRetriable, TransientError, ValidationError } from './app-error.ts';

describe('typed errors', () => {
  it('carry code and retriable flag', () => {
    const t = new TransientError('PG_UNAVAILABLE', 'postgres unreachable');
    const v = new ValidationError('QUANTITY_TOO_LARGE', 'quantity too large', { field: 'qty' });
    expect([t.code, t.retriable, t.name]).toEqual(['PG_UNAVAILABLE', true, 'TransientError']);
    expect([v.code, v.retriable, v.details]).toEqual(['QUANTITY_TOO_LARGE', false, { field: 'qty' }]);
    expect(v).toBeInstanceOf(AppError);
  });
  it('take the retriable flag from the catalogue, or from the raise site where it says either', () => {
    expect(new AppError('KAFKA_UNAVAILABLE', 'x').retriable).toBe(true);
    expect(new AppError('PG_FAILED', 'x').retriable).toBe(false);
    expect(new AppError('STORAGE_FAILED', 'x').retriable).toBe(false);
    expect(new AppError('STORAGE_FAILED', 'x', { retriable: true }).retriable).toBe(true);
    expect(new AppError('INVALID_INPUT', 'x', { field: 'lines.0.sku' }).field).toBe('lines.0.sku');
    // @ts-expect-error a code outside the catalogue does not compile
    expect(new AppError('NOT_A_CODE', 'x').code).toBe('NOT_A_CODE');
    // @ts-expect-error nor does contradicting the catalogue's retriable flag
    expect(new AppError('PG_FAILED', 'x', { retriable: true }).retriable).toBe(false);
  });
  it('classify foreign errors conservatively', () => {
    expect(isRetriable(new Error('x'))).toBe(false);
    expect(isRetriable({ retriable: true })).toBe(true); // kafkajs errors expose this flag
    expect(errorCode(new Error('x'))).toBe('UNEXPECTED');
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  });
});
