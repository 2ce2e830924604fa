import { spawn, type ChildProcess } from 'node:child_process';
import { cpuSeconds, rssMiB } from '@retail-stream/runtime';

/** A benchmark process (a Java peer or one of our services) with its peak RSS sampled while it runs. */
export class BenchProcess {
  peakRssMiB = 0;
  private lastCpuS = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.sampler = setInterval(() => {
      if (child.pid) this.peakRssMiB = Math.max(this.peakRssMiB, rssMiB(child.pid) ?? 0);
    }, 250);
  }

  /** CPU seconds (user + system, all threads) used so far: less sensitive to a busy box than wall time. */
  cpuS(): number {
    this.lastCpuS = (this.child.pid ? cpuSeconds(this.child.pid) : undefined) ?? this.lastCpuS;
    return this.lastCpuS;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Throws when the process died on its own: a bench must not wait for a dead peer. */
  assertAlive(): void {
    if (this.exited)
      throw new Error(`${this.name} exited with ${this.child.exitCode ?? this.child.signalCode}`);
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  }
}

/** `java -jar <jar>`; PEERS_JAVA_OPTS adds JVM flags (default: the JVM's own ergonomics). */
export function startJava(
  name: string,
  jar: string,
  env: Record<string, string>,
  log: (line: string) => void,
) {
  const opts = (process.env.PEERS_JAVA_OPTS ?? '').split(' ').filter((o) => o.length > 0);
  const child = spawn('java', [...opts, '-jar', jar], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        log(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
  }
  return new BenchProcess(name, child);
}
