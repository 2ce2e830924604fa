import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

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

let clockTicks: number | undefined;

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every common Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime in ticks from one /proc/<pid>/stat line (the command name may hold spaces). */
export function statTicks(stat: string): number | undefined {
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(after[11]);
  const stime = Number(after[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** Every readable process now; undefined where there is no /proc (not Linux). */
export function snapshotCpu(): CpuSnapshot | undefined {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const hz = ticksPerSecond();
  const procs = new Map<number, { seconds: number; cmd: string }>();
  for (const pid of pids) {
    try {
      const ticks = statTicks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (ticks === undefined) continue;
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      procs.set(Number(pid), { seconds: ticks / hz, cmd });
    } catch {
      // Exited between the listing and the read.
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
