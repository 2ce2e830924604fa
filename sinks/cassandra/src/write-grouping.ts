import type { RowWrite } from './statements.ts';

/**
 * Groups writes into UNLOGGED batches: only writes of one partition share a batch (a multi-partition
 * batch makes one coordinator do the fan-out work the driver's token-aware routing would spread),
 * and at most `maxStatements` per batch so no batch grows past Cassandra's batch size warnings.
 * Order inside a group is kept, though it does not matter: timestamps decide every cell.
 */
export function groupByPartition(writes: readonly RowWrite[], maxStatements: number): RowWrite[][] {
  if (!Number.isInteger(maxStatements) || maxStatements < 1) {
    throw new RangeError(`maxStatements must be a positive integer, got ${maxStatements}`);
  }
  const byPartition = new Map<string, RowWrite[]>();
  for (const w of writes) {
    const list = byPartition.get(w.partition);
    if (list) list.push(w);
    else byPartition.set(w.partition, [w]);
  }
  const out: RowWrite[][] = [];
  for (const list of byPartition.values()) {
    for (let i = 0; i < list.length; i += maxStatements) out.push(list.slice(i, i + maxStatements));
  }
  return out;
}
