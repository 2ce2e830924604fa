/**
 * KPI windows throughput: `npm run bench:processors` (after the ingest bench) or
 * `npx tsx stream-processors/kpi-windows/bench/kpi-bench.ts`. Preloads an enriched topic with
 * KPI_BENCH_EVENTS realistic events (SaleRecorded with 3–10 lines, payments, some voids, refunds
 * and stock moves) for KPI_BENCH_STORES stores, measures a plain kafkajs consumer reading the same
 * topic (the ceiling), then the KPI service as a child process (main.ts, both stages) reading it from
 * the start: events/s until every input offset is committed, and its peak RSS.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import { SERVICE_PROCESS_ENV, serviceRunArgs } from '@retail-stream/scripts/bundle';
import {
  AvroSerde,
  cpuSeconds,
  newKafkaClient,
  rssMiB,
  seededRandom,
  javaCompatiblePartitioner,
} from '@retail-stream/runtime';
import {
  createTestTopic,
  deleteTestTopic,
  kafkaEnvOf,
  rawConsumeRate,
  registryConfigOf,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { registerAll } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { logLevel } from 'kafkajs';

const env = serviceEnv();
const brokers = env.KAFKA_BROKERS!.split(',');
const registryUrl = env.SCHEMA_REGISTRY_URL!;
const N = Number(process.env.KPI_BENCH_EVENTS ?? 200_000);
const STORES = Number(process.env.KPI_BENCH_STORES ?? 500);
const PARTITIONS = Number(process.env.KPI_BENCH_PARTITIONS ?? 6);
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kafka = newKafkaClient({ clientId: 'kpi-bench', brokers, logLevel: logLevel.NOTHING });
const zones = ['Asia/Ho_Chi_Minh', 'Asia/Bangkok', 'Asia/Kolkata', 'America/New_York'];

async function preload(topic: string): Promise<void> {
  const serde = AvroSerde.fromConfig(registryConfigOf(registryUrl, env));
  const ids = await registerAll(serde, { registryUrl });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: javaCompatiblePartitioner,
  });
  await producer.connect();
  const perStore = Math.ceil(N / STORES);
  // One hour of trading per store, starting at a fixed past instant.
  const start = Date.parse('2026-03-10T02:00:00Z');
  const step = Math.floor(3_600_000 / perStore);
  const factories = Array.from({ length: STORES }, (_, i) => {
    const id = `b${String(i + 1).padStart(3, '0')}`;
    return new StoreEventFactory(id, seededRandom(i + 1), 1, () => start);
  });
  let sent = 0;
  // Round-robin over stores in slices, so the topic interleaves stores as live traffic would.
  const slice = 20;
  for (let round = 0; sent < N; round++) {
    const messages = [];
    for (let s = 0; s < STORES && sent + messages.length < N; s++) {
      const evs = factories[s]!.mixed(slice);
      for (const [k, e] of evs.entries()) {
        const ev = {
          ...e,
          occurred_at: start + (round * slice + k) * step,
          enrichment: {
            store_known: true,
            store_name: `Store ${e.store_id}`,
            region: 'South',
            timezone: zones[s % zones.length]!,
            products: [],
            ingested_at: Date.now(),
          },
        };
        messages.push({
          key: ev.store_id,
          value: await serde.encode(ids[ev.event_type]!, ev),
          headers: { event_type: ev.event_type, event_id: ev.event_id, trace_id: ev.trace_id },
        });
      }
    }
    const take = messages.slice(0, N - sent);
    for (let i = 0; i < take.length; i += 500) {
      await producer.send({ topic, messages: take.slice(i, i + 500), acks: -1 });
    }
    sent += take.length;
  }
  await producer.disconnect();
}

const admin = kafka.admin();

async function committed(groupId: string, topic: string): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (t?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
}

/** Records written to a topic (sum of its partitions' end offsets, transaction markers included). */
async function written(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
  return offsets.reduce((s, p) => s + Number(p.high), 0);
}

async function main(): Promise<void> {
  const input = await createTestTopic(brokers, 'kpi-bench-in', PARTITIONS);
  const names = {
    KPI_OUTPUT_TOPIC: uniqueName('kpi-bench-out'),
    KPI_STORE_WINDOWS_TOPIC: uniqueName('kpi-bench-sw'),
    KPI_CHANGELOG_TOPIC: uniqueName('kpi-bench-cl'),
    KPI_LATE_TOPIC: uniqueName('kpi-bench-late'),
    KPI_DLQ_TOPIC: uniqueName('kpi-bench-dlq'),
  };
  const groupId = uniqueName('kpi-bench-g');
  await admin.connect();
  try {
    let t = performance.now();
    await preload(input);
    console.log(
      `preloaded ${N} events (${STORES} stores, ${PARTITIONS} partitions) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const raw = await rawConsumeRate(kafka, input, N, 'kpi-bench-raw');
    console.log(`raw kafkajs consume: ${Math.round(raw)} events/s`);

    const child = spawn(
      process.execPath,
      [
        ...(process.env.KPI_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/kpi-prof'] : []),
        // V8 flags for the service, e.g. KPI_BENCH_NODE_ARGS=--max-semi-space-size=64.
        ...(process.env.KPI_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0),
        // Its bundle, as its container runs it; KPI_BENCH_FROM_SOURCE=1 runs src/main.ts through tsx.
        ...(await serviceRunArgs('stream-processors/kpi-windows/src/main.ts', {
          fromSource: process.env.KPI_BENCH_FROM_SOURCE === '1',
        })),
      ],
      {
        cwd: pkgDir,
        env: {
          PATH: process.env.PATH ?? '',
          ...SERVICE_PROCESS_ENV,
          ...kafkaEnvOf(env),
          ...registryConfigOf(registryUrl, env),
          // KPI_BENCH_LOG_LEVEL=debug logs each batch's phases (a timeline of the run).
          LOG_LEVEL: process.env.KPI_BENCH_LOG_LEVEL ?? 'warn',
          KPI_INPUT_TOPIC: input,
          ...names,
          KPI_GROUP_ID: groupId,
          KPI_CHAIN_GROUP_ID: uniqueName('kpi-bench-chain'),
          // Tuning knobs pass through, so their effect can be measured.
          ...Object.fromEntries(
            [
              'KPI_MAX_BYTES_PER_PARTITION',
              'KPI_PARTITIONS_CONCURRENTLY',
              'KPI_EMIT_INTERVAL_MS',
              'KPI_FLUSH_TICK_MS',
              'KPI_NODE_OPTIONS',
            ]
              .filter((k) => process.env[k])
              .map((k) => [k === 'KPI_NODE_OPTIONS' ? 'NODE_OPTIONS' : k, process.env[k]!]),
          ),
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    t = performance.now();
    const cpuAtStart = cpuSeconds(child.pid!) ?? 0;
    let cpuAtFirst = 0;
    let peakRss = 0;
    let first = 0;
    let atFirst = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      peakRss = Math.max(peakRss, rssMiB(child.pid!) ?? 0);
      const done = await committed(groupId, input).catch(() => 0);
      if (done > 0 && first === 0) {
        first = performance.now();
        atFirst = done;
        cpuAtFirst = cpuSeconds(child.pid!) ?? 0;
      }
      if (done >= N) break;
      if (child.exitCode !== null) throw new Error(`kpi service exited with ${child.exitCode}`);
      if (performance.now() - t > 600_000) throw new Error('kpi bench timed out');
    }
    const ended = performance.now();
    const total = (ended - t) / 1000;
    const kpiRate = N / total;
    const cpu = (cpuSeconds(child.pid!) ?? 0) - cpuAtStart;
    const cpuSteady = (cpuSeconds(child.pid!) ?? 0) - cpuAtFirst;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    console.log(
      `kpi-windows: ${Math.round(kpiRate)} events/s overall, ${Math.round((N - atFirst) / ((ended - first) / 1000))} events/s after the first commit (${total.toFixed(1)} s from process start incl. startup and restore; first commit after ${((first - t) / 1000).toFixed(1)} s), peak RSS ${peakRss.toFixed(0)} MiB`,
    );
    console.log(`ratio kpi/raw: ${(kpiRate / raw).toFixed(2)}`);
    console.log(
      `kpi-windows CPU: ${cpu.toFixed(1)} s from process start (${((cpuSteady * 1e6) / Math.max(1, N - atFirst)).toFixed(1)} µs per event after the first commit)`,
    );
    const counts = await Promise.all(
      [names.KPI_OUTPUT_TOPIC, names.KPI_STORE_WINDOWS_TOPIC, names.KPI_CHANGELOG_TOPIC].map(written),
    );
    console.log(
      `records written per input event (incl. transaction markers): output ${(counts[0]! / N).toFixed(3)}, store-windows ${(counts[1]! / N).toFixed(3)}, changelog ${(counts[2]! / N).toFixed(3)}`,
    );
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    );
  } finally {
    await admin.disconnect();
    for (const topic of [input, ...Object.values(names)]) await deleteTestTopic(brokers, 'kpi-bench', topic);
  }
}

await main();
