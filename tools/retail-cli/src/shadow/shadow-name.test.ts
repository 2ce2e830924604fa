import { describe, expect, it } from 'vitest';
import { addCount, selectTables, type DiffCount } from './diff-types.ts';
import { checkShadowName, isShadowSink, shadowTarget } from './shadow-name.ts';

describe('shadow names', () => {
  it('accepts lower-case identifiers up to 40 characters and prefixes them', () => {
    expect(shadowTarget('nightly_2026_12_01')).toBe('shadow_nightly_2026_12_01');
    expect(shadowTarget('a'.repeat(40))).toHaveLength(47); // inside Cassandra's 48
  });

  it('refuses anything that could not be spliced into SQL/CQL safely, with SHADOW_BAD_NAME', () => {
    for (const bad of ['', 'Nightly', '1st', '_x', 'a-b', 'a b', 'x;drop', 'é', 'a'.repeat(41)]) {
      expect(() => checkShadowName(bad), bad).toThrow(expect.objectContaining({ code: 'SHADOW_BAD_NAME' }));
    }
  });

  it('knows the three sinks', () => {
    expect(['postgres', 'clickhouse', 'cassandra', 'oracle'].map(isShadowSink)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('diff counts', () => {
  it('adds kinds per table and store, keeping a null store apart from an empty one', () => {
    const m = new Map<string, DiffCount>();
    addCount(m, 'postgres', 't', 's1', 'missing', 2);
    addCount(m, 'postgres', 't', 's1', 'different', 1);
    addCount(m, 'postgres', 't', null, 'extra', 4);
    addCount(m, 'postgres', 't', '', 'extra', 1);
    expect([...m.values()]).toEqual([
      { sink: 'postgres', table: 't', store_id: 's1', missing: 2, extra: 0, different: 1 },
      { sink: 'postgres', table: 't', store_id: null, missing: 0, extra: 4, different: 0 },
      { sink: 'postgres', table: 't', store_id: '', missing: 0, extra: 1, different: 0 },
    ]);
  });

  it('--table narrows to known tables, in the sink order; none given means all', () => {
    expect(selectTables(['a', 'b', 'c'], ['c', 'a', 'zzz'])).toEqual(['a', 'c']);
    expect(selectTables(['a', 'b'], undefined)).toEqual(['a', 'b']);
  });
});
