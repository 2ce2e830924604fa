import { describe, expect, it } from 'vitest';
import { coresByPart, partOf, snapshotCpu, type CpuSnapshot } from '../bench/process-cpu.ts';

const snap = (atMs: number, procs: [number, number, string][]): CpuSnapshot => ({
  atMs,
  procs: new Map(procs.map(([pid, seconds, cmd]) => [pid, { seconds, cmd }])),
});

describe('process CPU split', () => {
  it('names the servers, our services by package, and the bench', () => {
    expect(partOf('java -Xms512m kafka.Kafka /work/.data/kafka/server.properties')).toBe('Kafka broker');
    expect(partOf('java -Xms1g org.apache.cassandra.service.CassandraDaemon')).toBe('Cassandra');
    expect(partOf('/usr/sbin/clickhouse-server --config-file=/x/config.xml')).toBe('ClickHouse server');
    expect(partOf('postgres: retail retail_hq 127.0.0.1(42434) COMMIT')).toBe('Postgres');
    expect(partOf('/usr/bin/node --import tsx /work/main/sinks/postgres/src/main.ts')).toBe('sinks/postgres');
    expect(partOf('/usr/bin/node --import tsx /work/main/stream-processors/kpi-windows/src/main.ts')).toBe(
      'stream-processors/kpi-windows',
    );
    expect(partOf('/usr/bin/node --import tsx /work/main/tools/store-simulator/src/host-main.ts')).toBe(
      'tools/store-simulator (host-main)',
    );
    expect(partOf('node --import tsx scripts/e2e/bench/e2e-bench.ts --rates 200')).toBe(
      'this bench (load driver, sink probes)',
    );
    expect(partOf('redis-server 127.0.0.1:6379')).toBe('other');
  });

  it('sums cores per part over the interval, largest first, new processes from zero', () => {
    const before = snap(0, [
      [1, 10, 'java kafka.Kafka'],
      [2, 5, 'postgres: a'],
      [3, 5, 'postgres: b'],
      [4, 1, 'node /w/sinks/postgres/src/main.ts'],
    ]);
    const after = snap(10_000, [
      [1, 13, 'java kafka.Kafka'],
      [2, 6, 'postgres: a'],
      [3, 7, 'postgres: b'],
      [4, 1.02, 'node /w/sinks/postgres/src/main.ts'],
      [5, 0.5, 'postgres: c'],
    ]);
    const parts = coresByPart(before, after);
    expect(parts.map((p) => p.part)).toEqual(['Postgres', 'Kafka broker']);
    expect(parts[0]!.cores).toBeCloseTo(0.35, 5);
    expect(parts[1]!.cores).toBeCloseTo(0.3, 5);
  });

  it('reads this machine: this test process is in the snapshot', () => {
    const s = snapshotCpu();
    if (s === undefined) return; // no /proc (not Linux): the bench prints no split
    expect(s.procs.get(process.pid)?.cmd).toContain('node');
  });
});
