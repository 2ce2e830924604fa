/**
 * Cassandra sink throughput: `npm run bench:sinks` (last), or
 * `npx tsx sinks/cassandra/bench/cassandra-sink-bench.ts [--events 50000] [--stores 500]`.
 *
 * Preloads a fresh enriched topic with realistic events (StoreEventFactory mix, 500 stores), runs
 * the sink in this process against a fresh keyspace and times first record handled → every offset
 * committed (rows/s from retail_sink_rows_written_total). The ceiling: a plain driver loop writing
 * the same rows (planWrites over the same events) with the same prepared statements and the same
 * concurrency, one statement per request, into another fresh keyspace; and the sink's write path
 * alone (the same rows in the same per-partition UNLOGGED batches, no Kafka, no decoding, no reads)
 * into that keyspace again. Prints all three and the ratios.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { mapBounded, seededRandom } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { migrate } from '../src/migrator.ts';
import { planWrites } from '../src/projection-plan.ts';
import { statementCql } from '../src/statements.ts';
import { groupByPartition } from '../src/write-grouping.ts';
import { enrich, SinkTestBed, uniqueKeyspace } from '../test/harness.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    stores: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '6' },
  },
});
const total = Number(values.events);
const storeCount = Number(values.stores);

const bed = await new SinkTestBed().setup(Number(values.partitions));
const ceilingKeyspace = uniqueKeyspace('csbench');
try {
  const perStore = Math.ceil(total / storeCount);
  const events: StoreEvent[] = [];
  const factories = Array.from(
    { length: storeCount },
    (_, i) => new StoreEventFactory(`b${String(i).padStart(4, '0')}`, seededRandom(1_000 + i)),
  );
  // Interleave stores the way a live topic looks (each store's events stay in store_seq order).
  const perStoreEvents = factories.map((f) => f.mixed(perStore).map((e) => enrich(e)));
  for (let k = 0; k < perStore; k++) for (const list of perStoreEvents) if (list[k]) events.push(list[k]!);
  events.length = Math.min(events.length, total);
  process.stdout.write(`preloading ${events.length} events of ${storeCount} stores…\n`);
  await bed.produce(events, 1_000);

  // SINK_* settings from the environment reach the sink (and the ceilings' batching/concurrency).
  const overrides = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('SINK_') && !!e[1]),
  );
  const config = bed.sinkConfig({ LOG_LEVEL: 'warn', ...overrides });
  const load0 = os.loadavg()[0]!;
  const sink = await bed.startInProcess({ LOG_LEVEL: 'warn', ...overrides });
  // The clock starts when the group is joined and the first batch is being handled.
  const rowsMetric = async () => {
    const m = await sink.metrics.getSingleMetric('retail_sink_rows_written_total')?.get();
    return (m?.values ?? []).reduce((s, v) => s + v.value, 0);
  };
  const batches = async () => {
    const m = await sink.metrics.getSingleMetric('retail_consumer_batches_total')?.get();
    return (m?.values ?? []).reduce((s, v) => s + v.value, 0);
  };
  let t0 = Date.now();
  while ((await rowsMetric()) === 0 && (await batches()) === 0) {
    t0 = Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  await bed.waitCaughtUp(600_000);
  const sinkSeconds = (Date.now() - t0) / 1000;
  const sinkRows = await rowsMetric();
  await sink.stop();
  await sink.close();

  // Ceiling: the same rows, same statements, same concurrency, no Kafka, no reads, no batching.
  await migrate(bed.client, { keyspace: ceilingKeyspace, replication: config.CASSANDRA_REPLICATION });
  const rows = planWrites(events, new Map());
  const cql = statementCql(ceilingKeyspace);
  const t1 = Date.now();
  await mapBounded(rows, config.SINK_WRITE_CONCURRENCY, (w) =>
    bed.client.execute(cql[w.statement], w.params, { prepare: true, isIdempotent: true }),
  );
  const loopSeconds = (Date.now() - t1) / 1000;
  // Second ceiling: the sink's own write path alone (same UNLOGGED per-partition batches).
  const groups = groupByPartition(rows, config.SINK_MAX_BATCH_STATEMENTS);
  const t2 = Date.now();
  await mapBounded(groups, config.SINK_WRITE_CONCURRENCY, (g) =>
    g.length === 1
      ? bed.client.execute(cql[g[0]!.statement], g[0]!.params, { prepare: true, isIdempotent: true })
      : bed.client.batch(
          g.map((w) => ({ query: cql[w.statement], params: w.params })),
          { prepare: true, logged: false, isIdempotent: true },
        ),
  );
  const batchedSeconds = (Date.now() - t2) / 1000;
  const batchedRate = rows.length / batchedSeconds;

  const sinkRate = sinkRows / sinkSeconds;
  const loopRate = rows.length / loopSeconds;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  process.stdout.write(
    [
      `machine: ${os.cpus().length} CPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load avg before ${load0.toFixed(1)}`,
      `events: ${fmt(events.length)} (${storeCount} stores), topic partitions: ${values.partitions}, handled at once: ${config.SINK_PARTITIONS_CONCURRENTLY}`,
      `sink:    ${fmt(sinkRows)} rows in ${sinkSeconds.toFixed(1)} s = ${fmt(sinkRate)} rows/s (${fmt(events.length / sinkSeconds)} events/s)`,
      `ceiling: ${fmt(rows.length)} rows in ${loopSeconds.toFixed(1)} s = ${fmt(loopRate)} rows/s (plain loop, concurrency ${config.SINK_WRITE_CONCURRENCY})`,
      `ceiling (batched): ${fmt(rows.length)} rows in ${batchedSeconds.toFixed(1)} s = ${fmt(batchedRate)} rows/s (${fmt(groups.length)} requests: per-partition UNLOGGED batches of ≤ ${config.SINK_MAX_BATCH_STATEMENTS}, same concurrency)`,
      `ratio sink/ceiling: ${(sinkRate / loopRate).toFixed(2)} (plain loop), ${(sinkRate / batchedRate).toFixed(2)} (batched); target ≥ 10,000 rows/s: ${sinkRate >= 10_000 ? 'met' : 'NOT met'}`,
    ].join('\n') + '\n',
  );
} finally {
  await bed.client.execute(`DROP KEYSPACE IF EXISTS ${ceilingKeyspace}`).catch(() => undefined);
  await bed.teardown();
}
