/**
 * Ingest processor throughput on the local stack:
 *
 *   npx tsx stream-processors/ingest/bench/ingest-bench.ts [--events 200000] [--stores 500]
 *     [--partitions 6] [--slow-encode] [--keep] [--cpu-prof <dir>] [--from-source]
 *
 * Preloads a fresh input topic with realistic SaleRecorded events (3–10 lines, round-robin over the
 * stores, reference data for every store and SKU), then measures
 *  1. the raw kafkajs consume rate of that topic (no decoding): the ceiling;
 *  2. the ingest processor (src/main.ts as its own process, so RSS and CPU are its own) from ready
 *     until the group's committed offsets cover every record: consume → validate → dedup → enrich
 *     → produce, in transactions.
 * Prints a table and the ratio. Needs the local services (npm run infra:up).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVICE_PROCESS_ENV, serviceRunArgs } from '@retail-stream/scripts/bundle';
import os from 'node:os';
import { serviceEnv } from '@retail-stream/infra';
import {
  AvroSerde,
  cpuSeconds,
  ensureTopics,
  newKafkaClient,
  rssMiB,
  seededRandom,
} from '@retail-stream/runtime';
import {
  freePort,
  registryConfigOf,
  signedByStores,
  TEST_SIGNING_MASTER_KEYS,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { eventSchema, posEventRecord, registerAll } from '@retail-stream/schemas';
import { FACTORY_PRODUCTS, StoreEventFactory } from '@retail-stream/schemas/testing';
import { logLevel, type Message } from 'kafkajs';
import { ingestTopicNames } from '../test/ingest-harness.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    stores: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '6' },
    'slow-encode': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    /** Directory for a V8 CPU profile of the processor process (node --cpu-prof). */
    'cpu-prof': { type: 'string' },
    // The service runs from its bundle, as its container does; this runs src/main.ts through tsx.
    'from-source': { type: 'boolean', default: false },
  },
});
const total = Number(args.events);
const storeCount = Number(args.stores);
const partitions = Number(args.partitions);
const env = serviceEnv();
const brokers = env.KAFKA_BROKERS!.split(',');
const registryUrl = env.SCHEMA_REGISTRY_URL!;
const name = uniqueName('ingest-bench');
const topics = ingestTopicNames(name);
const groupId = `${name}-group`;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const kafka = newKafkaClient({ clientId: 'ingest-bench', brokers, logLevel: logLevel.NOTHING });
const say = (msg: string) => process.stdout.write(`${msg}\n`);

say(
  `ingest bench: ${total.toLocaleString('en')} SaleRecorded events, ${storeCount} stores, ${partitions} partitions`,
);
const serde = AvroSerde.fromConfig(registryConfigOf(registryUrl, env));
const ids = await registerAll(serde, { registryUrl });
await ensureTopics(brokers, [{ topic: topics.INGEST_INPUT_TOPIC, numPartitions: partitions }]);

// ── preload ───────────────────────────────────────────────────────────────────────────────────
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const now = Date.now();
const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
await ensureTopics(brokers, [
  { topic: topics.INGEST_REF_STORES_TOPIC, numPartitions: 1, configEntries: compacted },
  { topic: topics.INGEST_REF_PRODUCTS_TOPIC, numPartitions: 1, configEntries: compacted },
]);
const storeIds = Array.from({ length: storeCount }, (_, i) => `b${String(i + 1).padStart(4, '0')}`);
const ref = (type: string, key: string, value: object): Message => ({
  key,
  value: serde.encodeWith(ids[type]!, eventSchema(type).type, value),
});
await producer.send({
  topic: topics.INGEST_REF_STORES_TOPIC,
  messages: storeIds.map((s) =>
    ref('StoreUpserted', s, {
      store_id: s,
      name: `Bench store ${s}`,
      region: 'VN-South',
      timezone: 'Asia/Ho_Chi_Minh',
      currency: 'VND',
      updated_at: now,
    }),
  ),
});
await producer.send({
  topic: topics.INGEST_REF_PRODUCTS_TOPIC,
  messages: FACTORY_PRODUCTS.map((p) =>
    ref('ProductUpserted', p.sku, {
      sku: p.sku,
      barcode: p.barcode,
      name: p.name,
      category: p.category,
      brand: 'Bench',
      price_minor: p.price,
      currency: 'VND',
      tax_rate_bp: p.bp,
      updated_at: now,
    }),
  ),
});
const factories = storeIds.map((s, i) => new StoreEventFactory(s, seededRandom(i + 1)));
const fillStarted = Date.now();
let bytes = 0;
for (let done = 0; done < total;) {
  const n = Math.min(5_000, total - done);
  const messages: Message[] = [];
  for (let i = 0; i < n; i++) {
    const r = posEventRecord(serde, (t) => ids[t], factories[(done + i) % storeCount]!.sale());
    bytes += r.value.length;
    messages.push({ key: r.key, value: r.value, headers: { ...r.headers } });
  }
  // Signed as the stores' relays sign: ingest verifies every record (part of what is measured).
  await producer.send({ topic: topics.INGEST_INPUT_TOPIC, messages: signedByStores(messages), acks: -1 });
  done += n;
}
await producer.disconnect();
say(
  `preloaded in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s, avg value ${Math.round(bytes / total)} bytes`,
);

// ── 1. raw consume ceiling ─────────────────────────────────────────────────────────────────────
const raw = await (async () => {
  const consumer = kafka.consumer({ groupId: `${name}-raw`, maxBytesPerPartition: 4 * 1024 * 1024 });
  let count = 0;
  let joinedAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt = Date.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.INGEST_INPUT_TOPIC, fromBeginning: true });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let endedAt = 0;
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 2,
    eachBatch: async ({ batch }) => {
      count += batch.messages.length;
      if (count >= total && endedAt === 0) {
        endedAt = Date.now();
        done();
      }
    },
  });
  await finished;
  await consumer.disconnect();
  return { seconds: (endedAt - joinedAt) / 1000 };
})();
say(`raw consume: ${Math.round(total / raw.seconds).toLocaleString('en')} events/s`);

// ── 2. the processor ─────────────────────────────────────────────────────────────────────────
const opsPort = await freePort();
const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
const child = spawn(
  process.execPath,
  [
    ...profile,
    ...(await serviceRunArgs('stream-processors/ingest/src/main.ts', { fromSource: args['from-source'] })),
  ],
  {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...SERVICE_PROCESS_ENV,
      ...topics,
      KAFKA_BROKERS: brokers.join(','),
      ...registryConfigOf(registryUrl, env),
      INGEST_GROUP_ID: groupId,
      SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
      INGEST_FAST_ENCODE: args['slow-encode'] ? 'false' : 'true',
      OPS_PORT: String(opsPort),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const admin = kafka.admin();
await admin.connect();
for (;;) {
  const ok = await fetch(`http://127.0.0.1:${opsPort}/readyz`)
    .then((r) => r.ok)
    .catch(() => false);
  if (ok) break;
  if (child.exitCode !== null) throw new Error(`processor exited with ${child.exitCode}`);
  await sleep(50);
}
const started = Date.now();
const cpuAtStart = cpuSeconds(child.pid!) ?? 0;
let peakRss = 0;
for (;;) {
  peakRss = Math.max(peakRss, rssMiB(child.pid!) ?? 0);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.INGEST_INPUT_TOPIC] });
  const sum = committed!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  if (sum >= total) break;
  if (child.exitCode !== null) throw new Error(`processor exited with ${child.exitCode}`);
  await sleep(100);
}
const seconds = (Date.now() - started) / 1000;
const cpu = (cpuSeconds(child.pid!) ?? 0) - cpuAtStart;
const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
const forwarded = Number(
  /retail_ingest_records_total\{[^}]*outcome="forwarded"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0,
);

const rate = total / seconds;
const rawRate = total / raw.seconds;
say('');
say('| measurement | events/s | elapsed s | RSS peak MiB | CPU s |');
say('|---|---:|---:|---:|---:|');
say(
  `| raw kafkajs consume (no decode) | ${Math.round(rawRate).toLocaleString('en')} | ${raw.seconds.toFixed(1)} | | |`,
);
say(
  `| ingest processor (validate, dedup, enrich, transactional produce${args['slow-encode'] ? ', full re-encode' : ''}) | ${Math.round(rate).toLocaleString('en')} | ${seconds.toFixed(1)} | ${peakRss} | ${cpu.toFixed(1)} |`,
);
say('');
say(
  `ratio processor / raw consume: ${(rate / rawRate).toFixed(2)}; forwarded ${forwarded.toLocaleString('en')} of ${total.toLocaleString('en')}`,
);
say(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`,
);

if (!args.keep) {
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
}
await admin.disconnect();
