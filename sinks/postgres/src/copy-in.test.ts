import { describe, expect, it } from 'vitest';
import { copyField, copyText } from './copy-in.ts';

describe('COPY text format', () => {
  it('writes null as \\N, booleans as t/f and escapes backslash, tab, newline and return', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField(true)).toBe('t');
    expect(copyField(false)).toBe('f');
    expect(copyField(42)).toBe('42');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    // a jsonb value given as JSON text keeps its own escapes, doubled for COPY
    expect(copyField('{"k":"x\\"y"}')).toBe('{"k":"x\\\\"y"}');
    // the literal text \N is data, not null
    expect(copyField('\\N')).toBe('\\\\N');
  });

  it('writes one tab-separated line per row, in column order', () => {
    const payload = copyText(
      [
        ['b', 'bigint'],
        ['a', 'text'],
      ] as const,
      [
        { a: "x'); DROP TABLE t; --", b: 1 },
        { a: null, b: 2 },
      ],
    );
    expect(payload.toString('utf8')).toBe("1\tx'); DROP TABLE t; --\n2\t\\N\n");
    expect(copyText([['a', 'text']] as const, []).length).toBe(0);
  });
});
