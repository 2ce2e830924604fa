/**
 * npx tsx bench/kafka-clients/src/lag-probe.ts <group,group,...> [samples=20]
 *
 * Prints every 5 s each named consumer group's lag in records (log end minus committed offset,
 * summed over its partitions): a diagnostic for where a pipeline's latency sits. Used on
 * 2026-12-06 to show that ingest had no lag while bench:e2e's "raw → enriched" stage read 5 s.
 */
import { benchKafkaEnv, kafkajsClient } from './bench-kafka-env.ts';

const [groupsArg, samplesArg] = process.argv.slice(2);
if (!groupsArg) {
  process.stderr.write('usage: lag-probe.ts <group,group,...> [samples]\n');
  process.exit(2);
}
const admin = kafkajsClient(benchKafkaEnv(), 'lag-probe').admin();
await admin.connect();
try {
  for (let i = 0; i < Number(samplesArg ?? 20); i++) {
    const line: string[] = [];
    for (const groupId of groupsArg.split(',')) {
      const offsets = await admin.fetchOffsets({ groupId });
      if (offsets.length === 0) {
        line.push(`${groupId}=no-offsets`);
        continue;
      }
      let lag = 0;
      for (const t of offsets) {
        const ends = await admin.fetchTopicOffsets(t.topic);
        for (const p of t.partitions) {
          const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
          lag += Math.max(0, end - Math.max(0, Number(p.offset)));
        }
      }
      line.push(`${groupId}=${lag}`);
    }
    console.log(new Date().toISOString().slice(11, 19), line.join(' '));
    await new Promise((r) => setTimeout(r, 5_000));
  }
} finally {
  await admin.disconnect();
}
