/**
 * Kafka clients side by side (issue 14, item 1): kafkajs, @platformatic/kafka 1.x and, when a build
 * of it is given, @confluentinc/kafka-javascript (librdkafka, KafkaJS-compatible API) on the same
 * broker, credentials and records.
 *
 *   npx tsx bench/kafka-clients/src/main.ts [--records 200000] [--sizes 1024,2560] [--rounds 2]
 *     [--partitions 6] [--chunk 1000] [--scenarios produce,consume,transform]
 *     [--clients kafkajs,platformatic,ckjs] [--ckjs <package folder>] [--out results.json] [--keep]
 *
 * `--ckjs` (or CKJS_PATH): the folder of an out-of-tree build of @confluentinc/kafka-javascript
 * (README.md beside this folder says how to build it); without one its runs are skipped, said once.
 *
 * Per value size and round, on fresh topics and groups, each client in its own process,
 * interleaved, the order rotating by round (A B C, B C A, C A B) so no client always runs first:
 *  1. produce: N records, idempotent, acks=all, `--chunk` records per send;
 *  2. consume: the N records of one produce topic (round r: the r-th client's, cyclically) from
 *     a fresh group, no commits;
 *  3. transform: the same topic → a fresh output topic, read-committed consumer, transactional
 *     producer, offsets committed inside each transaction (our ingest's exactly-once loop).
 * Each run is checked (records landed, group offsets at the end), reports records/s, MB/s, CPU µs per
 * record (all threads of the child: librdkafka's too) and its process's RSS peak; the load average
 * before each run is recorded. After the consume runs, kcat (librdkafka in C) reads the same topic:
 * the machine's consume ceiling in the same run (kcat-ceiling.ts). Needs `npm run infra:up`.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchKafkaEnv, kafkajsClient } from './bench-kafka-env.ts';
import { runLine, summaryTable, type Measured } from './bench-report.ts';
import { BenchTopics } from './bench-topics.ts';
import { CKJS_PATH_ENV, ckjsUnavailable } from './ckjs-load.ts';
import { kcatConsume, kcatUnavailable } from './kcat-ceiling.ts';
import {
  CLIENTS,
  SCENARIOS,
  type ClientName,
  type RunResult,
  type RunSpec,
  type ScenarioName,
} from './scenario.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    sizes: { type: 'string', default: '1024,2560' },
    rounds: { type: 'string', default: '2' },
    partitions: { type: 'string', default: '6' },
    chunk: { type: 'string', default: '1000' },
    scenarios: { type: 'string', default: SCENARIOS.join(',') },
    clients: { type: 'string', default: CLIENTS.join(',') },
    ckjs: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const records = Number(args.records);
const sizes = args.sizes.split(',').map(Number);
const rounds = Number(args.rounds);
const chunk = Number(args.chunk);
const scenarios = args.scenarios.split(',') as ScenarioName[];
// The children inherit it: run-one.ts loads the build from there.
if (args.ckjs) process.env[CKJS_PATH_ENV] = args.ckjs;
const ckjsSkipped = ckjsUnavailable();
const clients = (args.clients.split(',') as ClientName[]).filter(
  (c) => CLIENTS.includes(c) && !(c === 'ckjs' && ckjsSkipped),
);
/** Round r runs the clients starting at the r-th, so load drifts do not always hit the same one. */
const rotated = (round: number): ClientName[] =>
  clients.map((_, i) => clients[(i + round - 1) % clients.length]!);

function runChild(spec: RunSpec): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'run-one.ts'), JSON.stringify(spec)],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as RunResult);
      else reject(new Error(`${spec.client} ${spec.scenario} exited ${code}: ${out.slice(-500)}`));
    });
  });
}

const env = benchKafkaEnv();
const admin = kafkajsClient(env, 'bench-kafka-clients-admin').admin();
await admin.connect();
const topics = new BenchTopics(admin, Number(args.partitions));
const measured: Measured[] = [];
console.log(
  `kafka-clients bench: ${records} records × ${sizes.join('/')} B, ${rounds} rounds, ${args.partitions} partitions, ` +
    `chunk ${chunk}, brokers ${env.brokers.join(',')}, SASL ${env.security.KAFKA_SASL_MECHANISM ?? 'off'}, ` +
    `${os.cpus().length} CPUs, node ${process.version}, clients ${clients.join(',')}`,
);
const kcatSkipped = kcatUnavailable();
if (kcatSkipped && scenarios.includes('consume')) console.log(`kcat consume ceiling skipped: ${kcatSkipped}`);
if (ckjsSkipped && args.clients.split(',').includes('ckjs'))
  console.log(`@confluentinc/kafka-javascript skipped: ${ckjsSkipped} (see bench/kafka-clients/README.md)`);

async function measure(spec: RunSpec, round: number, check: (r: RunResult) => Promise<string | undefined>) {
  const loadBefore = os.loadavg()[0]!;
  const result = await runChild(spec);
  const problem = await check(result);
  if (problem)
    throw new Error(`${spec.client} ${spec.scenario} ${spec.valueBytes} B round ${round}: ${problem}`);
  const m: Measured = {
    scenario: spec.scenario,
    valueBytes: spec.valueBytes,
    round,
    client: spec.client,
    loadBefore,
    result,
  };
  measured.push(m);
  console.log(runLine(m));
}

try {
  for (const valueBytes of sizes) {
    for (let round = 1; round <= rounds; round++) {
      const base = { records, valueBytes, chunk };
      const produced: string[] = [];
      // The consume and transform input must exist even when only those scenarios are asked for.
      for (const client of rotated(round)) {
        const topic = await topics.create(valueBytes, round, client, 'produce');
        produced.push(topic);
        const spec: RunSpec = { ...base, client, scenario: 'produce', topic };
        if (scenarios.includes('produce') || produced.length === 1) {
          await measure(spec, round, async () => {
            const n = await topics.endOffsetSum(topic);
            return n === records ? undefined : `topic holds ${n} records`;
          });
        }
      }
      // The first client of this round's rotation wrote it: round r reads the r-th client's topic.
      const input = produced[0]!;
      if (!scenarios.includes('produce') && (await topics.endOffsetSum(input)) !== records) {
        throw new Error(`input topic ${input} was not filled`);
      }
      if (scenarios.includes('consume')) {
        for (const client of rotated(round)) {
          const groupId = topics.name(valueBytes, round, client, 'consume');
          await measure({ ...base, client, scenario: 'consume', topic: input, groupId }, round, async (r) =>
            r.records === records ? undefined : `consumed ${r.records}`,
          );
        }
        if (!kcatSkipped) {
          // The ceiling, right after the clients, on the same topic: bytes as the clients counted them.
          const bytes = measured.at(-1)!.result.bytes;
          const loadBefore = os.loadavg()[0]!;
          const result = { ...(await kcatConsume(env, input, records, bytes)), rssBaseMiB: 0 };
          const m: Measured = { scenario: 'consume', valueBytes, round, client: 'kcat', loadBefore, result };
          measured.push(m);
          console.log(runLine(m));
        }
      }
      if (scenarios.includes('transform')) {
        for (const client of rotated(round)) {
          const outputTopic = await topics.create(valueBytes, round, client, 'transform-out');
          const groupId = topics.name(valueBytes, round, client, 'transform');
          const spec: RunSpec = {
            ...base,
            client,
            scenario: 'transform',
            topic: input,
            outputTopic,
            groupId,
          };
          await measure(spec, round, async (r) => {
            if (r.records !== records) return `transformed ${r.records}`;
            if (!(await topics.groupCaughtUp(groupId, input)))
              return 'committed offsets short of the input end';
            const n = await topics.endOffsetSum(outputTopic);
            return n >= records ? undefined : `output holds only ${n} offsets`;
          });
        }
      }
    }
  }
  console.log(
    `\nMedians over ${rounds} rounds (ratios > 1: the client does better than kafkajs):\n\n${summaryTable(measured)}`,
  );
  if (args.out) writeFileSync(args.out, JSON.stringify({ records, sizes, rounds, chunk, measured }, null, 2));
} finally {
  if (!args.keep) await topics.dropAll().catch(() => undefined);
  await admin.disconnect();
}
