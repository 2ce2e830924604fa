/** When buffered rows go to ClickHouse: at `maxRows`, or `intervalMs` after the previous flush. */
export interface FlushPolicy {
  maxRows: number;
  intervalMs: number;
}

/**
 * How long pending rows may still wait (0 = insert now). ClickHouse wants few, large inserts (each
 * insert is a part on disk; hundreds per second end in "too many parts"), so a trickle waits for
 * the interval, while a full batch goes at once.
 */
export function flushDelayMs(pendingRows: number, msSinceLastFlush: number, policy: FlushPolicy): number {
  if (pendingRows === 0) return Number.POSITIVE_INFINITY;
  if (pendingRows >= policy.maxRows) return 0;
  return Math.max(0, policy.intervalMs - msSinceLastFlush);
}

/** Splits rows into inserts of at most `maxRows` each, in order. */
export function chunk<T>(rows: readonly T[], maxRows: number): T[][] {
  if (maxRows < 1) throw new RangeError('maxRows must be at least 1');
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += maxRows) out.push(rows.slice(i, i + maxRows));
  return out;
}
