import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SpawnOptions {
  logFile: string;
  pidFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a server process detached from this CLI (it must outlive `infra:up`), appending its
 * stdout/stderr to logFile and recording its pid so later commands can find it.
 */
export function spawnDetached(command: string, args: string[], opts: SpawnOptions): number {
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  child.unref();
  fs.writeFileSync(opts.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim().split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM, wait for a clean exit, then SIGKILL: servers get the chance to flush before we insist. */
export async function stopPid(
  pid: number | undefined,
  graceMs = 30_000,
): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isAlive(pid)) return 'not-running';
  process.kill(pid!, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(200);
  }
  try {
    process.kill(pid!, 'SIGKILL');
  } catch {
    /* exited between the check and the kill */
  }
  return 'killed';
}

export function tailFile(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/**
 * The pid in pidFile, if that process is alive and its command line contains every marker. A pid
 * file can outlive its process (reboot, kill -9) and the pid be reused by something else.
 */
export function verifiedPid(pidFile: string, markers: string[]): number | undefined {
  const pid = readPid(pidFile);
  if (!isAlive(pid)) return undefined;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return markers.every((m) => cmdline.includes(m)) ? pid : undefined;
  } catch {
    // No /proc (not Linux): the pid file is all there is to go on.
    return pid;
  }
}

/** Servers that log to stdout never rotate; keep one previous file so a log can't fill the disk across runs. */
export function rotateLogIfLarge(file: string, maxBytes = 64 * 1024 * 1024): void {
  try {
    if (fs.statSync(file).size > maxBytes) fs.renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
}
