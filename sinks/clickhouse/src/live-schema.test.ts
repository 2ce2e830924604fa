import { describe, expect, it } from 'vitest';
import { schemaProblems, type LiveColumn } from './live-schema.ts';

const tables = [
  {
    table: 't',
    columns: [
      ['a', 'String'],
      ['b', 'Nullable(String)'],
      ['c', 'Int64'],
    ] as const,
  },
];
const live = (
  over: Partial<Record<'a' | 'b' | 'c' | 'x', Partial<LiveColumn> | null>> = {},
): LiveColumn[] => {
  const base: Record<string, LiveColumn> = {
    a: { table: 't', name: 'a', type: 'String', default_kind: '' },
    b: { table: 't', name: 'b', type: 'Nullable(String)', default_kind: '' },
    c: { table: 't', name: 'c', type: 'Int64', default_kind: '' },
    x: { table: 't', name: 'x', type: 'UInt8', default_kind: 'MATERIALIZED' },
  };
  return Object.entries(base)
    .filter(([k]) => over[k as 'a'] !== null)
    .map(([k, c]) => ({ ...c, ...over[k as 'a'] }));
};

describe('schemaProblems: what the sink sends against system.columns', () => {
  it('agrees when every column sent exists with its type; columns the sink does not send do not matter', () => {
    expect(schemaProblems(live(), tables)).toEqual([]);
  });

  it('names a missing table, a missing column, another type and a computed column', () => {
    expect(schemaProblems([], tables)).toEqual(['table t does not exist']);
    expect(
      schemaProblems(
        live({ a: { type: 'FixedString(3)' }, b: null, c: { default_kind: 'MATERIALIZED' } }),
        tables,
      ),
    ).toEqual([
      't.a is FixedString(3), the sink sends String',
      't.b does not exist',
      't.c is MATERIALIZED, the sink sends it',
    ]);
    // Nullable is part of the type: RowBinary would be one flag byte off.
    expect(schemaProblems(live({ b: { type: 'String' } }), tables)).toEqual([
      't.b is String, the sink sends Nullable(String)',
    ]);
  });
});
