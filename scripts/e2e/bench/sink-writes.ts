import { metricSum } from '@retail-stream/runtime/testing';

/**
 * The sinks' own write times during a phase, read from their /metrics (retail_sink_write_seconds,
 * the sink kit's histogram of one database write: a Postgres transaction, a ClickHouse flush, a
 * Cassandra batch set). Beside the end-to-end latencies they tell whether a sink was late because
 * its database answered slowly or because records waited before the write.
 */

const METRIC = 'retail_sink_write_seconds';

/** One histogram as scraped: count, sum (seconds) and cumulative counts per upper bound. */
export interface HistogramSnapshot {
  count: number;
  sum: number;
  /** le (seconds, Infinity for +Inf) → cumulative count. */
  buckets: Map<number, number>;
}

/** What a sink's writes did between two snapshots. */
export interface WriteStats {
  writes: number;
  meanMs: number;
  /** Upper bound of the bucket holding the 99th percentile (ms); Infinity past the last bound. */
  p99UpToMs: number;
}

/** The write-time histogram in a /metrics text (summed over label sets), or undefined if absent. */
export function parseWriteHistogram(text: string): HistogramSnapshot | undefined {
  if (!text.includes(`${METRIC}_count`)) return undefined;
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${METRIC}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return { count: metricSum(text, `${METRIC}_count`), sum: metricSum(text, `${METRIC}_sum`), buckets };
}

/** The writes between two snapshots of one sink; undefined when it made none. */
export function writeStats(
  before: HistogramSnapshot | undefined,
  after: HistogramSnapshot,
): WriteStats | undefined {
  const writes = after.count - (before?.count ?? 0);
  if (writes <= 0) return undefined;
  const sum = after.sum - (before?.sum ?? 0);
  const target = writes * 0.99;
  let p99UpTo = Number.POSITIVE_INFINITY;
  for (const bound of [...after.buckets.keys()].sort((a, b) => a - b)) {
    const inBucket = after.buckets.get(bound)! - (before?.buckets.get(bound) ?? 0);
    if (inBucket >= target) {
      p99UpTo = bound;
      break;
    }
  }
  return { writes, meanMs: (sum / writes) * 1000, p99UpToMs: p99UpTo * 1000 };
}

/** Scrapes the write histograms of the sinks listening on these ops ports (undefined = no answer). */
export async function scrapeWriteHistograms<K extends string>(
  ports: Record<K, number>,
): Promise<Record<K, HistogramSnapshot | undefined>> {
  const entries = await Promise.all(
    (Object.entries(ports) as [K, number][]).map(async ([sink, port]) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
        return [sink, parseWriteHistogram(await res.text())] as const;
      } catch {
        return [sink, undefined] as const;
      }
    }),
  );
  return Object.fromEntries(entries) as Record<K, HistogramSnapshot | undefined>;
}
