/**
 * `retail trace` latency: loads BENCH_EVENTS events (default 50,000) through a real in-process
 * pipeline (store outboxes → raw topic → ingest → KPI windows and the three sinks), then traces
 * 1,000 random event ids the way the command does (trace index caught up first, every hop read)
 * and prints p50/p95/p99/max. A trace reads no topic (only the small dead-letter and duplicate
 * topics' ends), so its cost follows the tables' indexes, not the topics' length.
 *
 *   npx tsx tools/retail-cli/bench/trace-bench.ts            # BENCH_EVENTS=200000 for more
 */
import { schemaPool, seededRandom } from '@retail-stream/runtime';
import { formatMs, summarize, testPgSchema } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { StoreDatabases } from '../src/trace/store-outbox.ts';
import { PipelineWorld } from '../src/trace/testing/pipeline-world.ts';
import { traceEvent, type TraceDeps } from '../src/trace/trace-event.ts';
import { ensureTraceIndex } from '../src/trace/trace-index.ts';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 50_000);
const TRACES = Number(process.env.BENCH_TRACES ?? 1_000);
const STORES = 4;

async function run(): Promise<void> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const stores = Array.from({ length: STORES }, (_, i) => `c4b${i}_${suffix}`);
  const world = await PipelineWorld.start(stores, { sessionTimeoutMs: 45_000 });
  // Ctrl-C still removes what the run created.
  process.once('SIGINT', () => void world.stop().finally(() => process.exit(130)));
  const opsSchema = testPgSchema(world.endpoints.pgUrl, 'c4bops');
  const ops = schemaPool(world.endpoints.pgUrl, opsSchema.name, {
    max: 2,
    connectionTimeoutMillis: 5_000,
    applicationName: 'trace-bench',
  });
  try {
    await ops.query(`CREATE SCHEMA "${opsSchema.name}"`);
    await ensureTraceIndex(ops);
    const at = Date.now() - 60_000;
    const events: StoreEvent[] = [];
    stores.forEach((s, i) => {
      const f = new StoreEventFactory(s, seededRandom(i + 1), 1, () => at);
      const per = Math.floor(TOTAL / STORES / 2);
      const mine: StoreEvent[] = [];
      for (const sale of f.sales(per)) mine.push(sale, f.paymentCaptured(sale));
      // A store publishes in store_seq order (the factory numbered all sales before the payments).
      for (const e of mine.sort((a, b) => a.store_seq - b.store_seq)) events.push(e);
    });
    const t0 = performance.now();
    await world.commitMany(events);
    const t1 = performance.now();
    await world.publishMany(events);
    const t2 = performance.now();
    await world.settle(events.length, stores, 30 * 60_000);
    const t3 = performance.now();
    console.log(
      `loaded ${events.length.toLocaleString('en-US')} events: outbox ${((t1 - t0) / 1000).toFixed(1)} s, raw topic ${((t2 - t1) / 1000).toFixed(1)} s, pipeline to every sink ${((t3 - t2) / 1000).toFixed(1)} s`,
    );

    const deps: TraceDeps = {
      hq: world.hq,
      hqSchema: world.hqSchema,
      ops,
      clickhouse: world.ch,
      cassandra: { client: async () => world.cassandra, keyspace: world.keyspace },
      stores: new StoreDatabases((s) => world.storeDb(s).url),
      kafka: world.kafka,
      topics: {
        raw: world.topics.pos,
        enriched: world.topics.enriched,
        deadLetters: world.topics.dlq,
        duplicates: world.topics.dups,
      },
    };
    const rnd = seededRandom(99);
    const pick = () => events[Math.floor(rnd() * events.length)]!;
    for (let i = 0; i < 20; i++) await traceEvent(deps, { eventId: pick().event_id }); // warm-up: connections, plans
    const samples: number[] = [];
    let incomplete = 0;
    for (let i = 0; i < TRACES; i++) {
      const e = pick();
      const start = performance.now();
      const r = await traceEvent(deps, { eventId: e.event_id });
      samples.push(performance.now() - start);
      if (
        r.outcome !== 'enriched' ||
        !r.findings.outbox ||
        r.findings.sinks.some((s) => !s.found) ||
        r.findings.kpi.length === 0
      )
        incomplete++;
    }
    console.log(
      `trace latency over ${TRACES} random event ids (${events.length.toLocaleString('en-US')} events loaded): ${formatMs(summarize(samples))}`,
    );
    console.log(`traces missing a hop: ${incomplete}`);
    await deps.stores.close();
  } finally {
    await ops.end();
    await opsSchema.drop();
    await world.stop();
  }
}

run().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
