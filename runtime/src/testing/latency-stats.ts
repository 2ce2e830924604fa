/** Latency summaries for benchmark scripts (never for timed tests). */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export function formatMs(summary: LatencySummary): string {
  const f = (v: number) => `${v.toFixed(1)} ms`;
  return `n=${summary.count} p50 ${f(summary.p50)}  p95 ${f(summary.p95)}  p99 ${f(summary.p99)}  max ${f(summary.max)}`;
}
