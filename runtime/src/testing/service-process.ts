import { spawn, type ChildProcess } from 'node:child_process';
import { JsonLineSplitter, type LogLine } from './log-capture.ts';

export interface ServiceProcessOptions {
  /** Working directory of the child; defaults to this process's. */
  cwd?: string;
  /** Sees every chunk of stdout and stderr, e.g. to append it to a debug log file. */
  onOutput?: (chunk: Buffer) => void;
}

/** How much of the child's combined output is kept for failure messages. */
const KEEP_CHARS = 20_000;
/** The line the runtime's serve() logs for every port it binds (service-runtime.ts). */
const LISTENING = 'http listening';

/** KAFKA_SASL_* and KAFKA_SSL* of this process. */
function kafkaCredentials(): Record<string, string> {
  // eslint-disable-next-line no-restricted-properties
  const own = process.env;
  return Object.fromEntries(
    Object.entries(own).filter(
      (e): e is [string, string] => /^KAFKA_(SASL_|SSL)/.test(e[0]) && Boolean(e[1]),
    ),
  );
}

/**
 * A service entry point run as a real child process: a `.ts` entry (`src/main.ts`) through tsx, a
 * `.js` one (its bundle, as the container runs it) with plain node. Either way a test can
 * SIGKILL it mid-batch. The env is exactly what is passed plus PATH: nothing of the test
 * process leaks in, so the child reads only the config the test means it to. Its stdout's JSON
 * log lines are parsed into `lines` as they arrive.
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Every JSON line of stdout (other lines as `{level: 'raw'}`), in order. */
  readonly lines: LogLine[] = [];
  private out = '';
  /** Resolves once stdout and stderr are closed too: all the output has been seen. */
  private readonly closed: Promise<void>;

  constructor(
    readonly script: string,
    env: Record<string, string>,
    opts: ServiceProcessOptions = {},
  ) {
    // A bundle runs as scripts/src/bundle's bundleRunArgs says (runtime cannot import scripts/).
    const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : ['--enable-source-maps', script];
    this.child = spawn(process.execPath, args, {
      cwd: opts.cwd,
      // Test-only helper: the child needs PATH to find node's tools and the test kit's Kafka
      // credentials (serviceEnv() put them in process.env; a SASL broker admits no one without),
      // nothing else of ours. A test that runs the child as a given principal passes its own.
      // eslint-disable-next-line no-restricted-properties
      env: { PATH: process.env.PATH ?? '', ...kafkaCredentials(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.out = (this.out + chunk.toString()).slice(-KEEP_CHARS);
      opts.onOutput?.(chunk);
    };
    const stdout = new JsonLineSplitter((line) => this.lines.push(line));
    this.child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      stdout.push(chunk);
    });
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.closed = new Promise((resolve) => this.child.on('close', () => resolve()));
  }

  /**
   * Starts the script and resolves once it is ready: GET /readyz answers 200 on a port it logged
   * as listening. Rejects (killing the child) with its last output when it exits or times out first.
   */
  static async start(
    script: string,
    env: Record<string, string>,
    opts: ServiceProcessOptions & { readyTimeoutMs?: number } = {},
  ): Promise<ServiceProcess> {
    const proc = new ServiceProcess(script, env, opts);
    try {
      await proc.waitReady(opts.readyTimeoutMs);
    } catch (err) {
      await proc.kill9();
      throw err;
    }
    return proc;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last 20,000 characters of stdout and stderr, interleaved as they arrived. */
  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first log line with this message (or matching it), if any yet. */
  findLog(msg: string | RegExp | ((l: LogLine) => boolean)): LogLine | undefined {
    const match =
      typeof msg === 'function'
        ? msg
        : (l: LogLine) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg));
    return this.lines.find(match);
  }

  hasLog(msg: string | RegExp | ((l: LogLine) => boolean)): boolean {
    return this.findLog(msg) !== undefined;
  }

  /** Waits for a log line; fails at once, with the output, if the process exits first. */
  async waitForLog(msg: string | RegExp | ((l: LogLine) => boolean), timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.findLog(msg);
      if (found) return found;
      if (!this.running) {
        // 'exit' can come before the last of stdout: look again once the pipes are closed.
        await this.closed;
        const late = this.findLog(msg);
        if (late) return late;
        throw this.failure(
          `exited (${this.child.exitCode ?? this.child.signalCode}) before logging ${String(msg)}`,
        );
      }
      if (Date.now() > deadline) throw this.failure(`did not log ${String(msg)} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ports the process logged as listening, in order. */
  get ports(): number[] {
    return this.lines.filter((l) => l.msg === LISTENING).map((l) => Number(l.port));
  }

  /** The first port the process listens on (its API, or its ops server when it has no API). */
  async port(timeoutMs = 30_000): Promise<number> {
    return Number((await this.waitForLog(LISTENING, timeoutMs)).port);
  }

  /**
   * The port, among those it listens on, that `probe` accepts: tells a service's API port from its
   * ops port (e.g. the one where /v1 answers 401 without a token). Waits for the port to be logged.
   */
  async portWhere(probe: (port: number) => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const port of this.ports) if (await probe(port).catch(() => false)) return port;
      if (!this.running) throw this.failure('exited before a port answered as expected');
      if (Date.now() > deadline) throw this.failure(`no port answered as expected within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until GET /readyz on one of its listening ports answers 200; returns that port. */
  async waitReady(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    await this.port(timeoutMs);
    for (;;) {
      for (const port of this.ports) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (res?.status === 200) return port;
      }
      if (!this.running) {
        await this.closed;
        throw this.failure('exited before it was ready');
      }
      if (Date.now() > deadline) throw this.failure(`was not ready within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** A crash: no shutdown phase runs. Resolves when the process is gone. */
  kill9(): Promise<number | null> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  /**
   * Graceful stop (SIGTERM), with SIGKILL after killAfterMs if it hangs; no killAfterMs waits for
   * as long as the shutdown takes. Resolves with the exit code (null when killed by a signal).
   */
  async stop(killAfterMs?: number): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => this.child.kill('SIGKILL'), killAfterMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private failure(what: string): Error {
    return new Error(`${this.script} ${what}; last output:\n${this.out.slice(-3_000)}`);
  }
}
