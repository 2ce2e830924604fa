/**
 * CPU to encode one produce request, kafkajs' own encoder against the runtime's exact-size encoder
 * (runtime/src/kafka-produce-encoding.ts), on the same request in the same process: no broker, so
 * the figure is the client's encoding cost alone, the part of a transactional send that is ours to
 * change. The request is what ingest sends: one partition batch of `--records` records with the
 * enriched topic's headers, transactional, under the 900 kB request split at 2.5 KB.
 *
 *   npm run bench:produce-encoding -- [--records 350] [--sizes 1024,2560] [--rounds 5] [--seconds 2]
 *
 * Rounds alternate kafkajs, ours, kafkajs, ours … so drift in machine load hits both; each round
 * encodes for `--seconds` and reports CPU µs per record (user + system of this process).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  encodeProduceRequest,
  kafkajsProduceRequest,
  seededRandom,
  type ProduceArgs,
} from '@retail-stream/runtime';
import { median } from './bench-report.ts';

const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: '350' },
    sizes: { type: 'string', default: '1024,2560' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
  },
});
const records = Number(opts.records);
const rounds = Number(opts.rounds);
const seconds = Number(opts.seconds);

function request(valueBytes: number): ProduceArgs {
  const random = seededRandom(14 + valueBytes);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const messages = Array.from({ length: records }, (_, i) => ({
    key: `store-${String((i % 500) + 1).padStart(4, '0')}`,
    value: Buffer.from(Array.from({ length: valueBytes }, () => Math.floor(random() * 256))),
    timestamp: String(1_765_000_000_000 + i),
    headers: {
      event_type: 'SaleRecorded',
      event_id: crypto.randomUUID(),
      trace_id: hex(32),
      traceparent: `00-${hex(32)}-${hex(16)}-01`,
      'store.epoch': hex(16),
      'store.signature': `v1:k1:${hex(43)}`,
    },
  }));
  return {
    acks: -1,
    timeout: 30_000,
    transactionalId: 'ingest-retail.raw.v1-0',
    producerId: 4711,
    producerEpoch: 1,
    topicData: [{ topic: 'retail.enriched.v1', partitions: [{ partition: 0, firstSequence: 0, messages }] }],
  };
}

type Encode = (args: ProduceArgs) => Promise<unknown>;
const encoders: Record<'kafkajs' | 'ours', Encode> = {
  kafkajs: (args) => kafkajsProduceRequest(args).encode(),
  ours: (args) => Promise.resolve(encodeProduceRequest(args)),
};

async function round(encode: Encode, args: ProduceArgs): Promise<number> {
  const start = process.cpuUsage();
  const until = Date.now() + seconds * 1000;
  let encoded = 0;
  while (Date.now() < until) {
    await encode(args);
    encoded += records;
  }
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / encoded;
}

console.log(
  `load average before: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${records} records per request`,
);
console.log(
  '| value | kafkajs µs/record (median) | ours µs/record (median) | kafkajs ÷ ours | rounds kafkajs | rounds ours |',
);
console.log('|---|---|---|---|---|---|');
for (const size of opts.sizes.split(',').map(Number)) {
  const args = request(size);
  // The two must agree before either is timed.
  const a = (await encoders.kafkajs(args)) as { buffer: Buffer };
  const b = encodeProduceRequest(args)!;
  if (!a.buffer.equals(b.buf.subarray(0, b.offset))) throw new Error('encoders disagree');
  for (const encode of Object.values(encoders)) await round(encode, args); // warm-up
  const results = { kafkajs: [] as number[], ours: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    results.kafkajs.push(await round(encoders.kafkajs, args));
    results.ours.push(await round(encoders.ours, args));
  }
  const k = median(results.kafkajs);
  const o = median(results.ours);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  console.log(
    `| ${size} B | ${k.toFixed(2)} | ${o.toFixed(2)} | ${(k / o).toFixed(1)} | ${fmt(results.kafkajs)} | ${fmt(results.ours)} |`,
  );
}
