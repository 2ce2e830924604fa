/**
 * One measured run in its own process (spawned by main.ts), so the RSS peak is this client's alone
 * and no run inherits another's heap or sockets. argv[2]: a RunSpec as JSON. Prints one line
 * `RESULT {RunResult}`.
 */
import { RecordSource } from './bench-records.ts';
import { benchKafkaEnv } from './bench-kafka-env.ts';
import type { ClientFactory, ClientName, RunResult, RunSpec } from './scenario.ts';

/** Only the measured client's library is loaded, so the baseline RSS differs by that library alone. */
const FACTORIES: Record<ClientName, () => Promise<ClientFactory>> = {
  kafkajs: async () => (await import('./kafkajs-bench.ts')).kafkajsBench,
  platformatic: async () => (await import('./platformatic-bench.ts')).platformaticBench,
  ckjs: async () => (await import('./ckjs-bench.ts')).ckjsBench,
};

const spec = JSON.parse(process.argv[2] ?? '{}') as RunSpec;
const bench = (await FACTORIES[spec.client]())(benchKafkaEnv());
// Built before the clock starts: record generation is not the client's cost.
const source = spec.scenario === 'produce' ? new RecordSource(spec.valueBytes) : undefined;
const rssBaseMiB = process.memoryUsage().rss / 1024 / 1024;
try {
  const r =
    spec.scenario === 'produce'
      ? await bench.produce(spec, source!)
      : spec.scenario === 'consume'
        ? await bench.consume(spec)
        : await bench.transform(spec);
  const result: RunResult = {
    ...r,
    rssBaseMiB,
    rssPeakMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`${spec.client} ${spec.scenario} failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
