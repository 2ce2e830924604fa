import type { LatencySummary } from '@retail-stream/runtime/testing';

// The percentiles are the test kit's (nearest-rank); only this bench's one-line format is its own.
export { summarize, type LatencySummary } from '@retail-stream/runtime/testing';

export function formatLatency(l: LatencySummary): string {
  return `p50 ${l.p50.toFixed(0)} ms, p95 ${l.p95.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (${l.count} samples)`;
}
