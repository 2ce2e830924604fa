import fs from 'node:fs';
import crypto from 'node:crypto';
import net from 'node:net';
import { logLevel } from 'kafkajs';
import cassandra from 'cassandra-driver';
import { dropClickHouseDatabase, dropPgDatabase, dropPgSchema } from '@retail-stream/runtime/testing';
import { storeDatabaseName } from '@retail-stream/store-edge';
import { testBundle } from '@retail-stream/scripts/bundle';
import { Supervisor } from '@retail-stream/scripts/supervisor';
import type { PipelineNames, PipelineSecrets } from './pipeline-names.ts';
import {
  HQ_SERVICE_ENTRIES,
  pipelineGroups,
  type PipelineOptions,
  type PipelinePorts,
  type ServiceEndpoints,
} from './pipeline-spec.ts';
import { newKafkaClient } from '@retail-stream/runtime';

/**
 * One isolated pipeline run for the end-to-end test and benchmark: a random run suffix, free
 * ports, the supervisor in-process, and a teardown that removes everything the run created
 * (topics, consumer groups, HQ schema, store databases, ClickHouse database, Cassandra keyspace).
 */

export function randomSuffix(): string {
  return crypto
    .randomBytes(4)
    .toString('hex')
    .replace(/^[0-9]/, 'x');
}

async function portFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The lowest port the kernel hands out for outgoing connections (Linux's ip_local_port_range;
 * 32768 by default). A port picked above it can be taken by any client socket between the check
 * and the service's listen (seen as EADDRINUSE when test files run in parallel).
 */
function ephemeralLow(): number {
  try {
    const low = Number(
      fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(low) && low > 21_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** `count` consecutive free ports from 20000 up to the ephemeral range (below 32768 by default). */
export async function freePortRange(count: number): Promise<number> {
  const span = ephemeralLow() - 20_000 - count;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + crypto.randomInt(0, span);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

export async function freePorts(stores: number): Promise<PipelinePorts> {
  const base = await freePortRange(stores + 12);
  return {
    storeBase: base,
    storeHostOps: base + stores,
    ingestOps: base + stores + 1,
    kpiOps: base + stores + 2,
    postgresSinkOps: base + stores + 3,
    clickhouseSinkOps: base + stores + 4,
    cassandraSinkOps: base + stores + 5,
    reports: base + stores + 6,
    dashboard: base + stores + 7,
    simulator: base + stores + 8,
    nationalMock: base + stores + 9,
    nationalMockOps: base + stores + 10,
    nationalSyncOps: base + stores + 11,
  };
}

/** Keeps the last lines of every child's output (shown when something fails). */
export class TailBuffer {
  private readonly lines: string[] = [];
  constructor(private readonly max = 400) {}
  write(text: string): boolean {
    for (const line of text.split('\n')) if (line) this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    return true;
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface IsolatedRun {
  names: PipelineNames;
  ports: PipelinePorts;
  secrets: PipelineSecrets;
  runSuffix: string;
  supervisor: Supervisor;
  output: TailBuffer;
  storeIds: string[];
}

export async function startIsolated(
  opts: Omit<PipelineOptions, 'runSuffix' | 'ports' | 'dashboard'> & { runSuffix?: string },
): Promise<IsolatedRun> {
  const runSuffix = opts.runSuffix ?? randomSuffix();
  const ports = await freePorts(opts.stores);
  // The HQ services run from their bundles, as their containers do (built once per test process).
  const bundles = new Map(
    await Promise.all(HQ_SERVICE_ENTRIES.map(async (e) => [e, await testBundle(e)] as const)),
  );
  const { groups, names, secrets } = pipelineGroups({
    ...opts,
    runSuffix,
    ports,
    dashboard: false,
    bundles,
  });
  const output = new TailBuffer();
  const supervisor = new Supervisor({ groups, out: output, colour: false, stopTimeoutMs: 15_000 });
  const storeIds = Array.from(
    { length: opts.stores },
    (_, i) => `${names.storePrefix}${String(i + 1).padStart(3, '0')}`,
  );
  const run = { names, ports, secrets, runSuffix, supervisor, output, storeIds };
  try {
    await supervisor.start();
  } catch (err) {
    throw new Error(`pipeline did not start: ${(err as Error).message}\n${output.text()}`);
  }
  return run;
}

/** Removes everything the run created; each step is attempted even if an earlier one failed. */
export async function teardownIsolated(run: IsolatedRun, e: ServiceEndpoints): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  await attempt('stop supervisor', () => run.supervisor.stop('teardown'));
  const n = run.names;
  const admin = newKafkaClient({
    clientId: 'e2e-teardown',
    brokers: e.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await attempt('kafka', async () => {
    await admin.connect();
    try {
      const suffix = `.${n.topics.pos.split('.').pop()}`;
      const topics = (await admin.listTopics()).filter((t) => t.endsWith(suffix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      const { groups } = await admin.listGroups();
      const ours = groups.map((g) => g.groupId).filter((g) => g.includes(suffix.slice(1)));
      if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  });
  await attempt('postgres', async () => {
    await dropPgSchema(e.PG_URL, n.pgSchema);
    await dropPgSchema(e.PG_URL, n.national.schema);
    for (const id of run.storeIds) await dropPgDatabase(e.PG_URL, storeDatabaseName(id));
  });
  await attempt('national files', async () => {
    for (const f of [n.national.accountsFile, n.national.drugsFile, n.national.mockStateFile]) {
      await fs.promises.rm(f, { force: true });
    }
  });
  await attempt('clickhouse', () => dropClickHouseDatabase(e.CLICKHOUSE_URL, n.clickhouseDatabase));
  await attempt('cassandra', async () => {
    const c = new cassandra.Client({
      contactPoints: e.CASSANDRA_CONTACT_POINTS.split(','),
      localDataCenter: e.CASSANDRA_LOCAL_DC,
    });
    try {
      await c.execute(`DROP KEYSPACE IF EXISTS ${n.cassandraKeyspace}`);
    } finally {
      await c.shutdown();
    }
  });
  return problems;
}
