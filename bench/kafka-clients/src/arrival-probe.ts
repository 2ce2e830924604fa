/**
 * npx tsx bench/kafka-clients/src/arrival-probe.ts <topic-prefix,...> [seconds=60]
 *
 * For each topic whose name starts with a given prefix (the newest such topic: bench:e2e suffixes
 * its topics per run), consumes from the end and prints every 10 s the distribution of
 * "fetched at − record CreateTime" per topic, read_committed. A diagnostic for where a pipeline's
 * latency sits: on a topic written without transactions this is the producer's send-to-append time
 * plus one fetch; on a transactional topic it adds the time until the producer's commit.
 * Used on 2026-12-06 to split bench:e2e's "raw → enriched" stage.
 */
import { benchKafkaEnv, kafkajsClient } from './bench-kafka-env.ts';

const [prefixesArg, secondsArg] = process.argv.slice(2);
if (!prefixesArg) {
  process.stderr.write('usage: arrival-probe.ts <topic-prefix,...> [seconds]\n');
  process.exit(2);
}
const kafka = kafkajsClient(benchKafkaEnv(), 'arrival-probe');
const admin = kafka.admin();
await admin.connect();
const all = await admin.listTopics();
const topics: string[] = [];
for (const prefix of prefixesArg.split(',')) {
  // Run suffixes are base-36 timestamps of equal length, so the greatest name is the newest run.
  const match = all.filter((t) => t.startsWith(prefix)).sort();
  if (match.length === 0) throw new Error(`no topic starts with ${prefix}`);
  topics.push(match[match.length - 1]!);
}
console.log('topics:', topics.join(', '));
await admin.disconnect();

const delays = new Map<string, number[]>(topics.map((t) => [t, []]));
const consumer = kafka.consumer({
  groupId: `arrival-probe-${Date.now()}`,
  maxWaitTimeInMs: 20,
  readUncommitted: false,
});
await consumer.connect();
for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: false });
await consumer.run({
  eachBatchAutoResolve: true,
  eachBatch: async ({ batch }) => {
    const now = Date.now();
    const list = delays.get(batch.topic)!;
    for (const m of batch.messages) list.push(now - Number(m.timestamp));
  },
});

const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const endAt = Date.now() + Number(secondsArg ?? 60) * 1_000;
while (Date.now() < endAt) {
  await new Promise((r) => setTimeout(r, 10_000));
  const line: string[] = [];
  for (const [topic, list] of delays) {
    const xs = list.splice(0).sort((a, b) => a - b);
    line.push(
      `${topic.split('.').slice(0, -1).join('.')} n=${xs.length} p50=${pct(xs, 0.5)} p99=${pct(xs, 0.99)} max=${xs[xs.length - 1] ?? NaN} ms`,
    );
  }
  console.log(new Date().toISOString().slice(11, 19), line.join(' | '));
}
await consumer.disconnect();
