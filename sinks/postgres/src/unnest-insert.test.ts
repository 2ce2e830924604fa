import { describe, expect, it } from 'vitest';
import { jsonRecordsetInsert, unnestInsert } from './unnest-insert.ts';

describe('unnestInsert', () => {
  it('passes one array per column, whatever the number of rows', () => {
    const st = unnestInsert(
      {
        table: 't1',
        columns: [
          ['a', 'text'],
          ['b', 'bigint'],
        ] as const,
        tail: 'ON CONFLICT DO NOTHING',
      },
      [
        { a: 'x', b: 1 },
        { a: "y'); DROP TABLE t1; --", b: 2 },
      ],
    );
    expect(st.text).toBe(
      'INSERT INTO t1 AS t (a, b) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING',
    );
    expect(st.values).toEqual([
      ['x', "y'); DROP TABLE t1; --"],
      [1, 2],
    ]);
  });

  it('or one JSON array parameter, casting jsonb columns back', () => {
    const st = jsonRecordsetInsert(
      {
        table: 't2',
        columns: [
          ['a', 'text'],
          ['j', 'jsonb'],
        ] as const,
        tail: 'RETURNING a',
      },
      [{ a: "x'y", j: '{"k":1}' }],
    );
    expect(st.text).toBe(
      'INSERT INTO t2 AS t (a, j) SELECT x.a, x.j::jsonb FROM json_to_recordset($1::json) AS x(a text, j text) RETURNING a',
    );
    expect(st.values).toEqual(['[{"a":"x\'y","j":"{\\"k\\":1}"}]']);
  });
});
