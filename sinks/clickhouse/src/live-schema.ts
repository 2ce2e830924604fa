import type { ClickHouseClient } from '@clickhouse/client';
import { AppError } from '@retail-stream/runtime';
import { CH_TABLES } from './tables/all-tables.ts';

/**
 * The sink inserts RowBinary (row-binary.ts), which names its columns but carries no types: a live
 * column of another type than the table file says would be misread, not refused. So before the
 * first insert the sink compares what it will send with `system.columns` of its database and
 * refuses to start on any difference. tables.test.ts holds the table files to the migrations;
 * this holds them to the server as it is (a hand-made ALTER, a migration not yet run).
 */

/** One row of system.columns. */
export interface LiveColumn {
  table: string;
  name: string;
  type: string;
  default_kind: string;
}

interface Columns {
  table: string;
  columns: readonly (readonly [string, string])[];
}

/** Every way the live columns differ from what the sink sends (empty = they agree). Pure. */
export function schemaProblems(
  live: readonly LiveColumn[],
  tables: readonly Columns[] = CH_TABLES,
): string[] {
  const byTable = new Map<string, Map<string, LiveColumn>>();
  for (const c of live) {
    if (!byTable.has(c.table)) byTable.set(c.table, new Map());
    byTable.get(c.table)!.set(c.name, c);
  }
  const problems: string[] = [];
  for (const t of tables) {
    const columns = byTable.get(t.table);
    if (!columns) {
      problems.push(`table ${t.table} does not exist`);
      continue;
    }
    for (const [name, type] of t.columns) {
      const col = columns.get(name);
      if (!col) problems.push(`${t.table}.${name} does not exist`);
      else if (col.type !== type) problems.push(`${t.table}.${name} is ${col.type}, the sink sends ${type}`);
      // A MATERIALIZED or ALIAS column cannot be inserted into.
      else if (col.default_kind === 'MATERIALIZED' || col.default_kind === 'ALIAS')
        problems.push(`${t.table}.${name} is ${col.default_kind}, the sink sends it`);
    }
  }
  return problems;
}

/** Throws CLICKHOUSE_SCHEMA_MISMATCH unless the client's database holds what the sink sends. */
export async function checkLiveSchema(client: ClickHouseClient): Promise<void> {
  const rs = await client.query({
    query: 'SELECT table, name, type, default_kind FROM system.columns WHERE database = currentDatabase()',
    format: 'JSONEachRow',
  });
  const problems = schemaProblems(await rs.json<LiveColumn>());
  if (problems.length > 0) {
    throw new AppError(
      'CLICKHOUSE_SCHEMA_MISMATCH',
      `the ClickHouse tables differ from what the sink sends: ${problems.join('; ')}`,
    );
  }
}
