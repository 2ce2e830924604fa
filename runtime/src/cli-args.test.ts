import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseCli } from './cli-args.ts';

const spec = {
  usage: 'usage: tool [--stores N] [--prefix s] [--dry-run]',
  options: {
    stores: { type: 'string', default: '1' },
    prefix: { type: 'string', default: 's' },
    'dry-run': { type: 'boolean', default: false },
  },
  schema: z.object({
    stores: z.coerce.number().int().min(1).max(9_999),
    prefix: z.string().regex(/^[a-z]+$/),
    'dry-run': z.boolean(),
  }),
} as const;

describe('parseCli', () => {
  it('applies defaults and coerces values', () => {
    expect(parseCli([], spec)).toEqual({ kind: 'ok', values: { stores: 1, prefix: 's', 'dry-run': false } });
    expect(parseCli(['--stores', '20', '--prefix', 'hq', '--dry-run'], spec)).toEqual({
      kind: 'ok',
      values: { stores: 20, prefix: 'hq', 'dry-run': true },
    });
  });

  it('answers --help with the usage', () => {
    expect(parseCli(['--help'], spec)).toEqual({ kind: 'help', text: `${spec.usage}\n` });
  });

  it('names every invalid flag, then the usage', () => {
    const out = parseCli(['--stores', '0', '--prefix', 'A1'], spec);
    expect(out.kind).toBe('usage-error');
    const text = (out as { text: string }).text;
    expect(text).toMatch(/^--stores: .*\n--prefix: .*\nusage: tool/);
  });

  it('refuses unknown flags and a string flag without its value', () => {
    expect(parseCli(['--nope'], spec)).toMatchObject({
      kind: 'usage-error',
      text: expect.stringMatching(/nope/),
    });
    expect(parseCli(['--stores'], spec)).toMatchObject({
      kind: 'usage-error',
      text: expect.stringMatching(/stores/),
    });
  });
});
