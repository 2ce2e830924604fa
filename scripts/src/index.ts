export * from './latency-stats.ts';
