import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
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

/** The regex parser parseTraceparent had before its hand-written validator: the rules it must keep. */
function referenceParse(text: string): ReturnType<typeof parseTraceparent> {
  if (text.length > 256) return 'too_long';
  let m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(text);
  if (!m) {
    const f = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/.exec(text);
    if (!f) return 'malformed';
    if (f[1] === 'ff' || f[1] === '00') return f[1] === 'ff' ? 'version' : 'malformed';
    m = [f[0], f[2]!, f[3]!, f[4]!] as unknown as RegExpExecArray;
  }
  if (m[1] === '0'.repeat(32) || m[2] === '0'.repeat(16)) return 'zero_id';
  return { traceId: m[1]!, spanId: m[2]!, flags: parseInt(m[3]!, 16) & 1 };
}

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

  it('refuses a future version whose tail spans lines, and characters beyond Latin-1', () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-a\nb`)).toBe('malformed');
    expect(parseTraceparent(`00-${TRACE.slice(0, 31)}\u0134-${SPAN}-01`)).toBe('malformed');
    expect(parseTraceparent(Buffer.from(`00-${TRACE}-${SPAN}-01`.replace('4', '\u00e4'), 'latin1'))).toBe(
      'malformed',
    );
  });

  it('agrees with the reference regexes on 5,000 mutated values (strings and header bytes)', () => {
    const random = seededRandom(7);
    const alphabet = '0123456789abcdefABCDEF-_ g\n\u00e9';
    const seeds = [
      VALID,
      `cc-${TRACE}-${SPAN}-01-x`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${'0'.repeat(32)}-${SPAN}-00`,
    ];
    for (let n = 0; n < 5_000; n++) {
      const chars = [...seeds[n % seeds.length]!];
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const at = Math.floor(random() * (chars.length + 1));
        const c = alphabet[Math.floor(random() * alphabet.length)]!;
        const op = random();
        if (op < 0.6) chars[Math.min(at, chars.length - 1)] = c;
        else if (op < 0.8) chars.splice(at, 0, c);
        else chars.splice(at, 1);
      }
      const v = chars.join('');
      expect(parseTraceparent(v), v).toEqual(referenceParse(v));
      expect(parseTraceparent(Buffer.from(v, 'latin1')), v).toEqual(referenceParse(v));
    }
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
