import { describe, expect, it } from 'vitest';
import {
  childOf,
  formatTraceparent,
  isW3cTraceId,
  newSpanId,
  newTraceId,
  parseTraceparent,
  parseTraceState,
} from './trace-context.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const VALID = `00-${TRACE}-${SPAN}-01`;

describe('parseTraceparent (W3C Trace Context, version 00)', () => {
  it('reads the spec example, as a string or a Kafka header buffer', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE, spanId: SPAN, flags: 1 });
    expect(parseTraceparent(Buffer.from(VALID))).toEqual({ traceId: TRACE, spanId: SPAN, flags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)).toMatchObject({ flags: 0 });
  });

  it('keeps only the sampled flag (unknown flags are not propagated)', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-ff`)).toMatchObject({ flags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-02`)).toMatchObject({ flags: 0 });
  });

  it('refuses uppercase hex, wrong lengths, separators and whitespace inside', () => {
    for (const bad of [
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${TRACE}-${SPAN.toUpperCase()}-01`,
      `00-${TRACE}-${SPAN}-0A`,
      `0-${TRACE}-${SPAN}-01`,
      `00-${TRACE.slice(1)}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}0-01`,
      `00_${TRACE}_${SPAN}_01`,
      `00-${TRACE}-${SPAN}-01 `,
      ` 00-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}`,
      `00-${TRACE}-${SPAN}-01-`,
      `00-${TRACE}-${SPAN}-01-extra`,
      `00-${TRACE.replace('4', 'g')}-${SPAN}-01`,
      '',
    ]) {
      expect(parseTraceparent(bad), bad).toBe('malformed');
    }
    expect(parseTraceparent(undefined)).toBe('malformed');
  });

  it('refuses all-zero trace and parent ids', () => {
    expect(parseTraceparent(`00-${'0'.repeat(32)}-${SPAN}-01`)).toBe('zero_id');
    expect(parseTraceparent(`00-${TRACE}-${'0'.repeat(16)}-01`)).toBe('zero_id');
  });

  it('refuses version ff and reads a higher version as 00 over its first 55 characters', () => {
    expect(parseTraceparent(`ff-${TRACE}-${SPAN}-01`)).toBe('version');
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: 1 });
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      flags: 1,
    });
    // A future version must still separate what follows with '-'.
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01x`)).toBe('malformed');
  });

  it('refuses an oversized value unread', () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-${'a'.repeat(300)}`)).toBe('too_long');
  });
});

describe('formatTraceparent and ids', () => {
  it('round-trips and always writes version 00', () => {
    const parsed = parseTraceparent(`cc-${TRACE}-${SPAN}-01-x`);
    expect(typeof parsed).toBe('object');
    expect(formatTraceparent(parsed as Exclude<typeof parsed, string>)).toBe(VALID);
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, flags: 0 })).toBe(`00-${TRACE}-${SPAN}-00`);
  });

  it('makes lowercase, non-zero, distinct ids', () => {
    const traces = new Set(Array.from({ length: 1000 }, () => newTraceId()));
    const spans = new Set(Array.from({ length: 1000 }, () => newSpanId()));
    expect(traces.size).toBe(1000);
    expect(spans.size).toBe(1000);
    for (const t of traces) expect(isW3cTraceId(t)).toBe(true);
    for (const s of spans) expect(s).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a child keeps trace, flags and tracestate, names its parent and has a new span id', () => {
    const child = childOf({ traceId: TRACE, spanId: SPAN, flags: 1, traceState: 'rojo=00f067aa0ba902b7' });
    expect(child).toMatchObject({
      traceId: TRACE,
      flags: 1,
      parentSpanId: SPAN,
      traceState: 'rojo=00f067aa0ba902b7',
    });
    expect(child.spanId).not.toBe(SPAN);
  });
});

describe('parseTraceState', () => {
  it('passes a tracestate through untouched, and drops one too long or not printable ASCII', () => {
    expect(parseTraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')).toBe(
      'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    );
    expect(parseTraceState(`a=${'x'.repeat(511)}`)).toBeUndefined();
    expect(parseTraceState('a=b\nc=d')).toBeUndefined();
    expect(parseTraceState('')).toBeUndefined();
  });
});
