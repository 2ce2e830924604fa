import { describe, expect, it } from 'vitest';
import { parseRecomputeArgs } from './recompute-args.ts';

describe('recompute arguments', () => {
  it('parses the range, store, margin and force', () => {
    expect(
      parseRecomputeArgs([
        '--from',
        '2026-03-10T00:00:00Z',
        '--to',
        '2026-03-11T00:00:00+07:00',
        '--store',
        's001',
      ]),
    ).toEqual({
      from: Date.parse('2026-03-10T00:00:00Z'),
      to: Date.parse('2026-03-10T17:00:00Z'),
      store: 's001',
      marginMs: 3_600_000,
      force: false,
    });
    expect(
      parseRecomputeArgs(['--from', '2026-03-10', '--to', '2026-03-11', '--margin-min', '0', '--force']),
    ).toMatchObject({
      store: undefined,
      marginMs: 0,
      force: true,
    });
  });

  it('rejects missing or inverted times and odd store ids', () => {
    expect(() => parseRecomputeArgs(['--to', '2026-03-11'])).toThrow(/--from/);
    expect(() => parseRecomputeArgs(['--from', '2026-03-11', '--to', '2026-03-10'])).toThrow(/after/);
    expect(() =>
      parseRecomputeArgs(['--from', '2026-03-10', '--to', '2026-03-11', '--store', "x'; drop"]),
    ).toThrow(/store/);
  });
});
