import type { LatencySummary } from '@retail-stream/runtime/testing';
import type { PartCores } from './process-cpu.ts';
import { POLL_MS, type Sink } from './sink-probes.ts';
import type { WriteStats } from './sink-writes.ts';

/** The sinks with a write-time histogram (the KPI row is written by the Postgres sink). */
export const WRITING_SINKS = ['postgres', 'clickhouse', 'cassandra'] as const;
export type WritingSink = (typeof WRITING_SINKS)[number];

export interface PhaseResult {
  offeredSalesPerSecond: number;
  achievedSalesPerSecond: number;
  sales: number;
  events: number;
  eventsPerSecond: number;
  /** 1-minute load average when the phase started. */
  loadBefore: number;
  /** Commit − scheduled time of every sale: how far the driver itself fell behind. */
  driverLagMs: LatencySummary;
  /** This process's event-loop delay during the phase (driver and probes share it), ms. */
  benchLoopDelayMs: { p50: number; p99: number; max: number };
  samples: number;
  sinks: Record<
    Sink,
    {
      /** Sale committed in its store → first poll that sees it. */
      fromCommit: LatencySummary;
      /** Sale's scheduled time → visible (includes the driver's lag: coordinated-omission safe). */
      fromSchedule: LatencySummary;
      unseen: number;
    }
  >;
  /** Cores each part of the machine used while the load ran (process-cpu.ts; Linux only). */
  cores?: PartCores[];
  /** Each sink's own database writes from phase start to end of drain (sink-writes.ts). */
  sinkWrites?: Partial<Record<WritingSink, WriteStats>>;
  /** From hq_inbox of the sampled sales: commit → raw topic, raw → enriched, enriched → Postgres. */
  stages: { relay: LatencySummary; ingest: LatencySummary; postgresSink: LatencySummary };
}

export interface CatchUpResult {
  store: string;
  queued: number;
  fillSeconds: number;
  loadBefore: number;
  /** The store's sales in total (rate phases and backlog). */
  sales: number;
  /** Sales of the store in ClickHouse (FINAL) and Cassandra's per-day projection, after. */
  counts: { clickhouse: number; cassandra: number };
  /** Seconds from online until each sink had all of the store's events; absent = not within 30 min. */
  seconds: Partial<Record<'relay' | Sink, number>>;
}

export interface E2eReport {
  date: string;
  loadAtStart: number;
  stores: number;
  eventsPerSale: number;
  floor?: LatencySummary | undefined;
  /** Failed sink polls (retried); each delays when a sample is seen by one poll interval. */
  pollErrors: Record<Sink, number>;
  /** Duration of one poll per sink (the resolution of its latencies); absent in older reports. */
  pollMs?: Record<Sink, LatencySummary>;
  phases: PhaseResult[];
  catchUp?: CatchUpResult | undefined;
}

const ms = (v: number) =>
  Number.isNaN(v) ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)}`;
const trio = (s: LatencySummary) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`;

/** The markdown tables BENCHMARKS.md takes (latencies in ms, p50 / p95 / p99). */
export function formatReport(r: E2eReport): string {
  const out: string[] = [];
  const sinks: Sink[] = ['postgres', 'clickhouse', 'cassandra', 'kpi'];
  out.push(
    `\n${r.stores} stores, ${r.eventsPerSale} events/sale, load ${r.loadAtStart} at start` +
      (r.floor ? `; floor (one Kafka hop) p50 ${ms(r.floor.p50)} p99 ${ms(r.floor.p99)} ms` : ''),
    '',
    '| offered sales/s | achieved | events/s | load before | driver lag p99 | bench loop delay p99 | Postgres | ClickHouse | Cassandra | KPI row | p99 max ÷ floor p99 |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of r.phases) {
    const unseen = sinks.filter((k) => p.sinks[k].unseen > 0).map((k) => `${k} ${p.sinks[k].unseen} unseen`);
    const worst = Math.max(...sinks.map((k) => p.sinks[k].fromCommit.p99));
    out.push(
      `| ${p.offeredSalesPerSecond} | ${p.achievedSalesPerSecond.toFixed(0)} | ${p.eventsPerSecond.toFixed(0)} | ${p.loadBefore} | ${ms(p.driverLagMs.p99)} | ${ms(p.benchLoopDelayMs?.p99 ?? Number.NaN)} | ` +
        sinks.map((k) => trio(p.sinks[k].fromCommit)).join(' | ') +
        ` | ${r.floor ? (worst / r.floor.p99).toFixed(1) : '—'} |` +
        (unseen.length > 0 ? ` (${unseen.join(', ')} of ${p.samples})` : ''),
    );
  }
  out.push('', 'Where the time goes (sampled sales, hq_inbox timestamps, ms p50 / p95 / p99):', '');
  out.push(
    '| offered sales/s | commit → raw topic (relay) | raw → enriched (ingest) | enriched → Postgres row (sink) |',
    '|---|---|---|---|',
  );
  for (const p of r.phases)
    out.push(
      `| ${p.offeredSalesPerSecond} | ${trio(p.stages.relay)} | ${trio(p.stages.ingest)} | ${trio(p.stages.postgresSink)} |`,
    );
  for (const p of r.phases) {
    if (!p.cores) continue;
    const total = p.cores.reduce((sum, c) => sum + c.cores, 0);
    out.push(
      '',
      `Where the cores go while ${p.offeredSalesPerSecond} sales/s are offered (per process, /proc): ${total.toFixed(2)} in all`,
      '',
      '| part | cores |',
      '|---|---|',
      ...p.cores.map((c) => `| ${c.part} | ${c.cores.toFixed(2)} |`),
    );
  }
  for (const p of r.phases) {
    const w = p.sinkWrites;
    if (!w || Object.keys(w).length === 0) continue;
    const upTo = (v: number) => (Number.isFinite(v) ? `≤ ${ms(v)}` : '> 10 s');
    out.push(
      '',
      `The sinks' own writes (retail_sink_write_seconds) at ${p.offeredSalesPerSecond} sales/s, phase start to end of drain:`,
      '',
      '| sink | writes | mean ms | p99 ms |',
      '|---|---|---|---|',
      ...WRITING_SINKS.filter((k) => w[k]).map(
        (k) => `| ${k} | ${w[k]!.writes} | ${ms(w[k]!.meanMs)} | ${upTo(w[k]!.p99UpToMs)} |`,
      ),
    );
  }
  if (r.catchUp) {
    const c = r.catchUp;
    const s = (k: 'relay' | Sink) =>
      c.seconds[k] === undefined
        ? 'not in 30 min'
        : `${c.seconds[k]!.toFixed(1)} s (${(c.queued / c.seconds[k]!).toFixed(0)} events/s)`;
    out.push(
      '',
      `Catch-up: ${c.queued} events queued in ${c.store} (filled in ${c.fillSeconds.toFixed(0)} s), load ${c.loadBefore} before:`,
      '',
      '| relay | Postgres | ClickHouse | Cassandra | KPI row |',
      '|---|---|---|---|---|',
      `| ${s('relay')} | ${s('postgres')} | ${s('clickhouse')} | ${s('cassandra')} | ${s('kpi')} |`,
      '',
      `Completeness after: ${c.sales} sales of the store; ClickHouse ${c.counts.clickhouse}, Cassandra ${c.counts.cassandra}.`,
    );
  }
  if (r.pollMs) {
    const polls = r.pollMs;
    out.push(
      '',
      `Probe polls, ms p50 / p95 / p99 (a sample is seen up to one poll + ${POLL_MS} ms after it became visible): ${sinks
        .map((k) => `${k} ${trio(polls[k])}`)
        .join(', ')}.`,
    );
  }
  const errors = Object.entries(r.pollErrors).filter(([, n]) => n > 0);
  if (errors.length > 0)
    out.push('', `Failed polls (retried): ${errors.map(([k, n]) => `${k} ${n}`).join(', ')}.`);
  return out.join('\n');
}
