import { describe, expect, it } from 'vitest';
import { AppError, TransientError } from './errors/index.ts';
import { bodyParserError, httpErrorOf } from './http-errors.ts';

describe('httpErrorOf: one error body for every API', () => {
  it("answers a code with the catalogue's status, message and field", () => {
    const a = httpErrorOf(new AppError('UNKNOWN_BARCODE', 'no product 123', { field: 'barcode' }));
    expect(a).toEqual({
      status: 404,
      body: { error: { code: 'UNKNOWN_BARCODE', message: 'no product 123', field: 'barcode' } },
      log: 'none',
    });
    const ready = httpErrorOf(new AppError('NOT_READY', 'kafka down'), { withRetriable: true });
    expect(ready).toMatchObject({ status: 503, body: { retriable: true }, log: 'warn' });
  });

  it('answers anything else as a 500 INTERNAL without internals', () => {
    for (const err of [
      new Error('secret'),
      new AppError('PG_FAILED', 'secret'),
      new TransientError('DB_UNAVAILABLE', 's'),
    ]) {
      expect(httpErrorOf(err, { withRetriable: true })).toEqual({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'internal error', field: null }, retriable: false },
        log: 'error',
      });
    }
  });

  it('answers a retriable failure below the route as 503 with its code where the API says so', () => {
    const a = httpErrorOf(new TransientError('DB_UNAVAILABLE', 'ECONNREFUSED 10.0.0.1'), {
      retriableAsUnavailable: true,
      withRetriable: true,
    });
    expect(a.status).toBe(503);
    expect(a.body).toEqual({
      error: { code: 'DB_UNAVAILABLE', message: expect.not.stringContaining('10.0.0.1'), field: null },
      retriable: true,
    });
  });

  it("maps body-parser's refusals to catalogue codes", () => {
    const codeOf = (type: string, status = 400) => bodyParserError({ type, status, limit: 10 })?.code;
    expect(codeOf('entity.too.large', 413)).toBe('PAYLOAD_TOO_LARGE');
    expect(codeOf('entity.parse.failed')).toBe('INVALID_JSON');
    expect(codeOf('charset.unsupported', 415)).toBe('UNSUPPORTED_ENCODING');
    expect(codeOf('request.aborted')).toBe('BAD_REQUEST');
    expect(codeOf('stream.not.readable', 500)).toBeUndefined();
    expect(httpErrorOf({ type: 'entity.too.large', status: 413, limit: 10 }).body.error.message).toContain(
      '10-byte',
    );
  });
});
