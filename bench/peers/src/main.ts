/**
 * Issue 14 item 7: our KPI windows and outbox relay against their peers on the same box and data.
 *
 *   npm run bench:peers [-- --only kpi|outbox] [--no-build]
 *   npm run bench:peers -- --only kpi-ours --no-build   # ours' throughput alone, PEERS_KPI_OURS_RUNS times
 *   npm run bench:peers -- --only kpi-ours-latency      # ours' live p99 alone, with its batch phases
 *
 * Builds the Java peers (bench/peers, Maven; offline when the local repository has everything),
 * then (kpi) Kafka Streams vs stream-processors/kpi-windows on the same preloaded enriched topic and
 * the same live traffic, and (outbox) Debezium's embedded engine + outbox event router vs
 * producers/outbox-relay on the same outbox rows in a private Postgres cluster with logical
 * decoding. Prints ours ÷ theirs for throughput and p99. See bench/peers/README.md.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildPeers } from './java-build.ts';
import { compareKpi, oursLatencyOnly, oursThroughputOnly } from './kpi-compare.ts';
import { compareOutbox } from './outbox-compare.ts';
import { say } from './peer-env.ts';

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, 'no-build': { type: 'boolean', default: false } },
});
const ratio = (a: number, b: number) => (a / b).toFixed(2);

say(
  `peers bench ${new Date().toISOString()}, load before: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
say(
  `commit ${execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`,
);
if (args.only === 'kpi-ours') {
  // Tuning ours (knobs as KPI_* in the environment) without a peer run in between.
  await oursThroughputOnly(Number(process.env.PEERS_KPI_OURS_RUNS ?? 1));
  process.exit(0);
}
if (args.only === 'kpi-ours-latency') {
  // Ours' live p99 alone (knobs as KPI_* and PEERS_KPI_EMIT_MS), with its batch phases.
  await oursLatencyOnly(Number(process.env.PEERS_KPI_OURS_RUNS ?? 1));
  process.exit(0);
}
if (!args['no-build']) buildPeers();

const lines: string[] = [];
if (!args.only || args.only === 'kpi') {
  const { raw, ours, theirs } = await compareKpi();
  lines.push(
    `KPI windows ÷ Kafka Streams: throughput ${ratio(ours.rate, theirs.rate)} (${Math.round(ours.rate)} vs ${Math.round(theirs.rate)} events/s; raw consume ${Math.round(raw)}/s), ` +
      `after first commit ${ratio(ours.rateAfterFirstCommit, theirs.rateAfterFirstCommit)}, ` +
      `CPU per event ${ratio(theirs.cpuUsPerEvent, ours.cpuUsPerEvent)} (${ours.cpuUsPerEvent.toFixed(0)} vs ${theirs.cpuUsPerEvent.toFixed(0)} µs), ` +
      `p99 ${ratio(theirs.latency.p99, ours.latency.p99)} (${ours.latency.p99.toFixed(0)} vs ${theirs.latency.p99.toFixed(0)} ms; ratio > 1 = ours faster), RSS ${ours.peakRssMiB.toFixed(0)} vs ${theirs.peakRssMiB.toFixed(0)} MiB`,
  );
}
if (!args.only || args.only === 'outbox') {
  const { ours, theirs } = await compareOutbox();
  lines.push(
    `outbox relay ÷ Debezium: throughput ${ratio(ours.rate, theirs.rate)} (${Math.round(ours.rate)} vs ${Math.round(theirs.rate)} events/s), ` +
      `from process start ${ratio(ours.rateFromStart, theirs.rateFromStart)}, ` +
      `CPU per event ${ratio(theirs.cpuUsPerEvent, ours.cpuUsPerEvent)} (${ours.cpuUsPerEvent.toFixed(0)} vs ${theirs.cpuUsPerEvent.toFixed(0)} µs), ` +
      `p99 ${ratio(theirs.latency.p99, ours.latency.p99)} (${ours.latency.p99.toFixed(0)} vs ${theirs.latency.p99.toFixed(0)} ms; ratio > 1 = ours faster), RSS ${ours.peakRssMiB.toFixed(0)} vs ${theirs.peakRssMiB.toFixed(0)} MiB`,
  );
}
say('');
for (const l of lines) say(l);
say(
  `load after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
process.exit(0);
