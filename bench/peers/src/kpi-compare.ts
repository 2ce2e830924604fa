import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTopics } from '@retail-stream/runtime';
import type { Admin } from 'kafkajs';
import {
  createTestTopic,
  deleteTestTopics,
  kafkaEnvOf,
  metricValue,
  rawConsumeRate,
  registryConfigOf,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { BenchProcess, startJava } from './java-process.ts';
import { JARS, peersDir } from './java-build.ts';
import { kafka, paceEnriched, preloadEnriched } from './enriched-events.ts';
import { formatLatency, type LatencySummary } from './latency-stats.ts';
import { brokers, env, javaEnv, registryUrl, say } from './peer-env.ts';
import { WindowLatency } from './window-latency.ts';

const N = Number(process.env.KPI_BENCH_EVENTS ?? 200_000);
const STORES = Number(process.env.KPI_BENCH_STORES ?? 500);
const PARTITIONS = Number(process.env.KPI_BENCH_PARTITIONS ?? 6);
const RATE = Number(process.env.PEERS_KPI_RATE ?? 500);
const SECONDS = Number(process.env.PEERS_KPI_SECONDS ?? 30);
const WARMUP = Number(process.env.PEERS_KPI_WARMUP ?? 10);
const LIVE_STORES = 50;
/** Our service's ops port, so the run can read where its transactions' time went. */
const OPS_PORT = Number(process.env.PEERS_KPI_OPS_PORT ?? 9466);
const kpiDir = path.resolve(peersDir, '../../stream-processors/kpi-windows');

export interface JobResult {
  rate: number;
  /** CPU µs per event from the first commit to the last (start-up excluded). */
  cpuUsPerEvent: number;
  rateAfterFirstCommit: number;
  startupS: number;
  peakRssMiB: number;
  latency: LatencySummary;
  unseen: number;
}

interface Job {
  name: string;
  format: 'avro' | 'json';
  /** Starts the job on `input` with a fresh group; returns the process, its input group and output topic. */
  start(input: string): Promise<{ proc: BenchProcess; group: string; output: string }>;
  /** A line on where the job's time went, read before it stops (ours: its batch phase histogram). */
  phases?(): Promise<string>;
}

const cleanup: string[] = [];

const ours: Job = {
  name: 'kpi-windows',
  format: 'avro',
  async start(input) {
    const names = {
      KPI_OUTPUT_TOPIC: uniqueName('peers-kpi-out'),
      KPI_STORE_WINDOWS_TOPIC: uniqueName('peers-kpi-sw'),
      KPI_CHANGELOG_TOPIC: uniqueName('peers-kpi-cl'),
      KPI_LATE_TOPIC: uniqueName('peers-kpi-late'),
      KPI_DLQ_TOPIC: uniqueName('peers-kpi-dlq'),
    };
    cleanup.push(...Object.values(names));
    // Created here (the service would create it too) so the latency reader can subscribe at once.
    await ensureTopics(brokers, [{ topic: names.KPI_OUTPUT_TOPIC, numPartitions: PARTITIONS }]);
    const group = uniqueName('peers-kpi-g');
    // As kpi-bench.ts starts it: main.ts (both stages) in its own process, the stack's Kafka settings.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(kpiDir, 'src', 'main.ts')], {
      cwd: kpiDir,
      env: {
        PATH: process.env.PATH ?? '',
        ...kafkaEnvOf(env),
        ...registryConfigOf(registryUrl, env),
        LOG_LEVEL: 'warn',
        OPS_PORT: String(OPS_PORT),
        KPI_INPUT_TOPIC: input,
        ...names,
        KPI_GROUP_ID: group,
        KPI_CHAIN_GROUP_ID: uniqueName('peers-kpi-chain'),
        // Our non-final updates go out at most once per window and interval (default 1 s);
        // PEERS_KPI_EMIT_MS=100 matches Kafka Streams' 100 ms commit for a like-for-like p99.
        ...(process.env.PEERS_KPI_EMIT_MS ? { KPI_EMIT_INTERVAL_MS: process.env.PEERS_KPI_EMIT_MS } : {}),
        // Tuning knobs pass through, so their effect can be measured against the same peer run.
        ...Object.fromEntries(
          ['KPI_MAX_BYTES_PER_PARTITION', 'KPI_PARTITIONS_CONCURRENTLY', 'KPI_FLUSH_TICK_MS']
            .filter((k) => process.env[k])
            .map((k) => [k, process.env[k]!]),
        ),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return { proc: new BenchProcess('kpi-windows', child), group, output: names.KPI_OUTPUT_TOPIC };
  },
  async phases() {
    const text = await (await fetch(`http://127.0.0.1:${OPS_PORT}/metrics`)).text();
    const seconds = (name: string, match: string) =>
      `${(metricValue(text, `${name}_sum`, match) ?? 0).toFixed(1)} s / ${metricValue(text, `${name}_count`, match) ?? 0}`;
    const phases = ['apply', 'send', 'offsets', 'commit', 'flush'].map(
      (p) => `${p} ${seconds('retail_kpi_batch_phase_seconds', `phase="${p}"`)}`,
    );
    const fetches = [
      `stores ${seconds('retail_consumer_fetch_duration_seconds', 'group="peers-kpi-g')}`,
      `chain ${seconds('retail_consumer_fetch_duration_seconds', 'group="peers-kpi-chain')}`,
    ];
    const retries = metricValue(text, 'retail_kafka_concurrent_transactions_total');
    return `${phases.join(', ')}; fetch: ${fetches.join(', ')}; CONCURRENT_TRANSACTIONS answers ${retries ?? 'n/a'}`;
  },
};

const kafkaStreams: Job = {
  name: 'Kafka Streams',
  format: 'json',
  async start(input) {
    const appId = uniqueName('peers-ks');
    const output = await createTestTopic(brokers, 'peers-ks-out', PARTITIONS);
    cleanup.push(output, `${appId}-kpi-m1-changelog`, `${appId}-kpi-m15-changelog`);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peers-ks-'));
    const proc = startJava(
      'kafka-streams-kpi',
      JARS.kafkaStreams,
      javaEnv({
        KPI_INPUT_TOPIC: input,
        KPI_OUTPUT_TOPIC: output,
        KPI_APPLICATION_ID: appId,
        KPI_STATE_DIR: stateDir,
        KPI_ALLOWED_LATENESS_MS: '600000',
        // Kafka Streams' exactly-once default is 100 ms; PEERS_KS_COMMIT_MS=1000 matches our emit interval.
        KPI_COMMIT_INTERVAL_MS: process.env.PEERS_KS_COMMIT_MS ?? '100',
      }),
      (line) => {
        if (/ERROR|Exception|-> (RUNNING|ERROR)/.test(line)) say(`  [kafka-streams] ${line}`);
      },
    );
    proc.child.once('exit', () => fs.rmSync(stateDir, { recursive: true, force: true }));
    return { proc, group: appId, output };
  },
};

/** One admin connection for the run's offset polls: connecting per poll (SCRAM) took ~0.3 s. */
let pollAdmin: Admin | undefined;

async function committed(groupId: string, topic: string): Promise<number> {
  if (!pollAdmin) {
    const admin = kafka.admin();
    await admin.connect();
    pollAdmin = admin;
  }
  const [t] = await pollAdmin.fetchOffsets({ groupId, topics: [topic] });
  return (t?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
}

/** Events/s from process start until every input offset is committed, as kpi-bench measures ours. */
async function throughput(job: Job, input: string) {
  const t = performance.now();
  const { proc, group } = await job.start(input);
  let first = 0;
  let atFirst = 0;
  let cpuAtFirst = 0;
  let cpuAtEnd = 0;
  // The clock stops when the last offset is committed, not after the process stopped: a graceful
  // stop (ours waits out kafkajs' 5 s fetch long-poll, a JVM closes its stores) is not throughput.
  let ended = 0;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const done = await committed(group, input).catch(() => 0);
      if (done > 0 && first === 0) [first, atFirst, cpuAtFirst] = [performance.now(), done, proc.cpuS()];
      if (done >= N) {
        ended = performance.now();
        cpuAtEnd = proc.cpuS();
        if (job.phases) say(`kpi: ${job.name} phases (time / count): ${await job.phases().catch(String)}`);
        break;
      }
      proc.assertAlive();
      if (performance.now() - t > 900_000) throw new Error(`${job.name} timed out`);
    }
  } finally {
    await proc.stop();
  }
  const total = (ended - t) / 1000;
  return {
    rate: N / total,
    rateAfterFirstCommit: (N - atFirst) / ((ended - first) / 1000),
    startupS: (first - t) / 1000,
    cpuUsPerEvent: ((cpuAtEnd - cpuAtFirst) / (N - atFirst)) * 1e6,
    peakRssMiB: proc.peakRssMiB,
  };
}

/** Live traffic at RATE events/s; latency from send to the window update being readable. */
async function latency(
  job: Job,
  /** Called before the job stops (ours: its /metrics still answer). */
  beforeStop?: () => Promise<void>,
): Promise<{ latency: LatencySummary; unseen: number }> {
  const live = await createTestTopic(brokers, 'peers-kpi-live', PARTITIONS);
  cleanup.push(live);
  const { proc, output } = await job.start(live);
  const tracker = new WindowLatency(output, job.format);
  try {
    await tracker.start();
    // Live traffic from the start; the measured window opens WARMUP s after the job's first output
    // (a JVM or node start-up and group join are not latency) and lasts SECONDS.
    const started = Date.now();
    let measureFrom = 0;
    await paceEnriched(live, RATE, LIVE_STORES, tracker.onSent, () => {
      const now = Date.now();
      if (!measureFrom && tracker.updates > 0) measureFrom = now + WARMUP * 1000;
      if (measureFrom && now >= measureFrom) tracker.measure();
      if (!measureFrom && now - started > 300_000) throw new Error(`${job.name} wrote no output in 5 min`);
      return !measureFrom || now < measureFrom + SECONDS * 1000;
    });
    for (let i = 0; i < 120 && tracker.unseen() > 0; i++) await new Promise((r) => setTimeout(r, 250));
    await beforeStop?.();
    return { latency: tracker.summary(), unseen: tracker.unseen() };
  } finally {
    await tracker.stop();
    await proc.stop();
  }
}

/** Ours' throughput alone on a fresh preload, `runs` times (tuning: PEERS_KPI_OURS_RUNS, no peer, no latency). */
export async function oursThroughputOnly(runs: number): Promise<void> {
  const input = await createTestTopic(brokers, 'peers-kpi-in', PARTITIONS);
  cleanup.push(input);
  try {
    await preloadEnriched(input, N, STORES);
    for (let i = 0; i < runs; i++) {
      const tp = await throughput(ours, input);
      say(
        `kpi: ${ours.name}: ${Math.round(tp.rateAfterFirstCommit)}/s after the first commit; ${tp.cpuUsPerEvent.toFixed(0)} µs CPU per event after it; peak RSS ${tp.peakRssMiB.toFixed(0)} MiB`,
      );
    }
  } finally {
    await pollAdmin?.disconnect().catch(() => undefined);
    pollAdmin = undefined;
    await deleteTestTopics(brokers, cleanup).catch(() => undefined);
  }
}

/** Ours' live latency alone, `runs` times (tuning: PEERS_KPI_OURS_RUNS, KPI_* knobs; no peer). */
export async function oursLatencyOnly(runs: number): Promise<void> {
  try {
    for (let i = 0; i < runs; i++) {
      const lat = await latency(ours, async () => say(`kpi: ${ours.name} phases: ${await ours.phases!()}`));
      say(
        `kpi: ${ours.name} at ${RATE} events/s live: ${formatLatency(lat.latency)}${lat.unseen ? `, ${lat.unseen} never seen` : ''}`,
      );
    }
  } finally {
    await deleteTestTopics(brokers, cleanup).catch(() => undefined);
  }
}

export async function compareKpi(): Promise<{ raw: number; ours: JobResult; theirs: JobResult }> {
  const input = await createTestTopic(brokers, 'peers-kpi-in', PARTITIONS);
  cleanup.push(input);
  try {
    const t = performance.now();
    await preloadEnriched(input, N, STORES);
    say(
      `kpi: preloaded ${N} events (${STORES} stores, ${PARTITIONS} partitions) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const raw = await rawConsumeRate(kafka, input, N, 'peers-raw');
    say(`kpi: raw kafkajs consume ${Math.round(raw)} events/s (ceiling)`);
    const results: JobResult[] = [];
    for (const job of [ours, kafkaStreams]) {
      const tp = await throughput(job, input);
      say(
        `kpi: ${job.name}: ${Math.round(tp.rate)} events/s from process start (${Math.round(tp.rateAfterFirstCommit)}/s after the first commit at ${tp.startupS.toFixed(1)} s; ${tp.cpuUsPerEvent.toFixed(0)} µs CPU per event after it), peak RSS ${tp.peakRssMiB.toFixed(0)} MiB`,
      );
      const lat = await latency(job);
      say(
        `kpi: ${job.name} at ${RATE} events/s live: ${formatLatency(lat.latency)}${lat.unseen ? `, ${lat.unseen} never seen` : ''}`,
      );
      results.push({ ...tp, ...lat });
    }
    return { raw, ours: results[0]!, theirs: results[1]! };
  } finally {
    await pollAdmin?.disconnect().catch(() => undefined);
    pollAdmin = undefined;
    await deleteTestTopics(brokers, cleanup).catch(() => undefined);
  }
}
