import { describe, expect, it } from 'vitest';
import { traceIdFrom } from './trace-context.ts';

describe('traceIdFrom', () => {
  it('takes the trace id out of a W3C traceparent', () => {
    expect(traceIdFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', undefined)).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });
  it('falls back to x-trace-id, then to a new id', () => {
    expect(traceIdFrom('garbage', 'till-7-000123')).toBe('till-7-000123');
    expect(traceIdFrom('00-00000000000000000000000000000000-00f067aa0ba902b7-01', undefined)).toMatch(
      /^[0-9a-f]{32}$/,
    );
    expect(traceIdFrom(undefined, 'bad id with spaces')).toMatch(/^[0-9a-f]{32}$/);
  });
});
