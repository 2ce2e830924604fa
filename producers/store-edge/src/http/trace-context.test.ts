import { describe, expect, it } from 'vitest';
import { eventTraceIdFrom } from './trace-context.ts';

const REQUEST = '0af7651916cd43dd8448eb211c80319c';

describe('eventTraceIdFrom', () => {
  it('is the request trace id when the caller sent a valid W3C traceparent', () => {
    expect(
      eventTraceIdFrom('00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01', 'till-7-000123', REQUEST),
    ).toBe(REQUEST);
  });
  it("falls back to the till's x-trace-id, then to the request's new trace id", () => {
    expect(eventTraceIdFrom('garbage', 'till-7-000123', REQUEST)).toBe('till-7-000123');
    expect(
      eventTraceIdFrom('00-00000000000000000000000000000000-00f067aa0ba902b7-01', undefined, REQUEST),
    ).toBe(REQUEST);
    expect(eventTraceIdFrom(undefined, 'bad id with spaces', REQUEST)).toBe(REQUEST);
  });
});
