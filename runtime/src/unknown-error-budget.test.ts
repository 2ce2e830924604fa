import { describe, expect, it } from 'vitest';
import { TransientError } from './errors.ts';
import { isUnclassifiedError } from './errors/unclassified.ts';
import { UnknownErrorBudget } from './unknown-error-budget.ts';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isUnclassifiedError', () => {
  it('recognises outages by code, flag, or message, through the cause chain', () => {
    expect(isUnclassifiedError(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(false);
    expect(isUnclassifiedError(coded('the database system is shutting down', '57P03'))).toBe(false);
    expect(isUnclassifiedError(coded('could not serialize access', '40001'))).toBe(false);
    expect(isUnclassifiedError(Object.assign(new Error('broker'), { retriable: true }))).toBe(false);
    expect(isUnclassifiedError(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isUnclassifiedError(new Error('timeout exceeded when trying to connect'))).toBe(false);
    const fetchFailed = new TypeError('fetch failed', {
      cause: coded('connect ECONNREFUSED', 'ECONNREFUSED'),
    });
    expect(isUnclassifiedError(new TransientError('REGISTRY_UNAVAILABLE', 'registry', fetchFailed))).toBe(
      false,
    );
    expect(isUnclassifiedError(new TransientError('PG_UNAVAILABLE', 'our own decision'))).toBe(false);
    // cassandra-driver: every host down, no code, a message that names no connection.
    const noHost = Object.assign(new Error('All host(s) tried for query failed.'), {
      name: 'NoHostAvailableError',
    });
    expect(isUnclassifiedError(new TransientError('CASSANDRA_UNAVAILABLE', 'read', noHost))).toBe(false);
  });

  it('calls a bug a bug, even wrapped as an outage', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'sku')");
    expect(isUnclassifiedError(bug)).toBe(true);
    expect(isUnclassifiedError(new TransientError('PG_UNAVAILABLE', `postgres: ${bug.message}`, bug))).toBe(
      true,
    );
    expect(isUnclassifiedError('a thrown string')).toBe(true);
    // A SQLSTATE that will not pass on its own (a missing table, a syntax error) is a bug too.
    expect(isUnclassifiedError(coded('relation "x" does not exist', '42P01'))).toBe(true);
  });
});

describe('UnknownErrorBudget', () => {
  it('allows max unknown errors in a row, then returns the fatal error; success and outages do not reset it wrongly', () => {
    const budget = new UnknownErrorBudget(2, 'test loop');
    const bug = new RangeError('index out of range');
    expect(budget.record(bug)).toBeUndefined();
    expect(budget.record(coded('down', 'ECONNREFUSED'))).toBeUndefined(); // outage: not counted
    expect(budget.record(bug)).toBeUndefined();
    const fatal = budget.record(bug);
    expect(fatal?.code).toBe('UNKNOWN_ERROR_LIMIT');
    expect(fatal?.message).toBe(
      'test loop: unclassified error RangeError: index out of range — failed 3 times in a row ' +
        '(MAX_UNKNOWN_ERROR_RETRIES=2); stopping instead of retrying forever',
    );
    budget.reset();
    expect(budget.record(bug)).toBeUndefined();
  });
});
