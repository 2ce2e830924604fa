import fs from 'node:fs';
import { cpuSeconds } from '@retail-stream/runtime';

/**
 * CPU time of every process on the machine, read from /proc (Linux), so the end-to-end bench can
 * say where the cores went during a phase. On a 2-vCPU box running the whole stack, latency in
 * seconds means "waited for a core", and only a per-process split shows whose core it was
 * (the servers, our services, the load generation).
 */
export interface CpuSnapshot {
  atMs: number;
  /** pid → CPU seconds (user + system) and its command line. */
  procs: Map<number, { seconds: number; cmd: string }>;
}

export interface PartCores {
  part: string;
  /** Cores used on average over the interval (1.0 = one core busy the whole time). */
  cores: number;
}

/** Every readable process now; undefined where there is no /proc (not Linux). */
export function snapshotCpu(): CpuSnapshot | undefined {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const procs = new Map<number, { seconds: number; cmd: string }>();
  for (const pid of pids) {
    const seconds = cpuSeconds(Number(pid));
    if (seconds === undefined) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      procs.set(Number(pid), { seconds, cmd });
    } catch {
      // Exited between the two reads.
    }
  }
  return { atMs: Date.now(), procs };
}

/** What a process is, from its command line: a server, one of our services, or the bench. */
export function partOf(cmd: string): string {
  if (/\bkafka\.Kafka\b/.test(cmd)) return 'Kafka broker';
  if (/CassandraDaemon/.test(cmd)) return 'Cassandra';
  if (/clickhouse-server/.test(cmd)) return 'ClickHouse server';
  if (/^postgres[: ]/.test(cmd) || /\/postgres\s/.test(cmd)) return 'Postgres';
  if (/e2e-bench\.ts/.test(cmd)) return 'this bench (load driver, sink probes)';
  const ours =
    /\/((?:sinks|stream-processors|producers|tools|apps|infra)\/[^/\s]+(?:\/[^/\s]+)*?)\/src\/([^/\s]+)\.ts\b/.exec(
      cmd,
    );
  if (ours) return ours[2] === 'main' ? ours[1]! : `${ours[1]} (${ours[2]})`;
  return 'other';
}

/** Average cores per part between two snapshots, largest first; parts under 0.005 cores dropped. */
export function coresByPart(before: CpuSnapshot, after: CpuSnapshot): PartCores[] {
  const seconds = Math.max(0.001, (after.atMs - before.atMs) / 1000);
  const byPart = new Map<string, number>();
  for (const [pid, p] of after.procs) {
    // A process started during the interval counts from zero.
    const used = p.seconds - (before.procs.get(pid)?.seconds ?? 0);
    if (used <= 0) continue;
    const part = partOf(p.cmd);
    byPart.set(part, (byPart.get(part) ?? 0) + used / seconds);
  }
  return [...byPart.entries()]
    .map(([part, cores]) => ({ part, cores }))
    .filter((p) => p.cores >= 0.005)
    .sort((a, b) => b.cores - a.cores);
}
