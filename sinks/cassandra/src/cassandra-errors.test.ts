import { AppError, isRetriable } from '@retail-stream/runtime';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { toCassandraError } from './cassandra-errors.ts';

const { errors, types } = cassandra;

describe('toCassandraError', () => {
  it('makes Cassandra down, slow or busy retriable', () => {
    const cases: unknown[] = [
      new errors.NoHostAvailableError({ '127.0.0.1:19042': new Error('ECONNREFUSED') }),
      new errors.OperationTimedOutError('timed out', '127.0.0.1:19042'),
      new errors.ResponseError(types.responseErrorCodes.writeTimeout, 'write timeout'),
      new errors.ResponseError(types.responseErrorCodes.unavailableException, 'unavailable'),
      new errors.ResponseError(types.responseErrorCodes.overloaded, 'overloaded'),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ];
    for (const err of cases) {
      const e = toCassandraError(err, 'write');
      expect(e.code, String(err)).toBe('CASSANDRA_UNAVAILABLE');
      expect(isRetriable(e)).toBe(true);
    }
  });

  it('treats a refused statement as a bug, not something to retry', () => {
    const e = toCassandraError(
      new errors.ResponseError(types.responseErrorCodes.invalid, 'Undefined column'),
      'write',
    );
    expect(e.code).toBe('CASSANDRA_QUERY_FAILED');
    expect(isRetriable(e)).toBe(false);
    expect(e.message).toContain('Undefined column');
  });

  it('passes AppErrors through', () => {
    const original = new AppError('CASSANDRA_UNAVAILABLE', 'y');
    expect(toCassandraError(original, 'w')).toBe(original);
  });
});
