import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceProcessOptions {
  /** Working directory of the child; defaults to this process's. */
  cwd?: string;
  /** Sees every chunk of stdout and stderr, e.g. to append it to a debug log file. */
  onOutput?: (chunk: Buffer) => void;
}

/** How much of the child's combined output is kept for failure messages. */
const KEEP_CHARS = 20_000;

/**
 * A service entry point (`src/main.ts`) run with tsx as a real child process, so a test can
 * SIGKILL it mid-batch. The env is exactly what is passed plus PATH: nothing of the test
 * process leaks in, so the child reads only the config the test means it to.
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private out = '';

  constructor(script: string, env: Record<string, string>, opts: ServiceProcessOptions = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: opts.cwd,
      // Test-only helper: the child needs PATH to find node's tools, and nothing else of ours.
      // eslint-disable-next-line no-restricted-properties
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.out = (this.out + chunk.toString()).slice(-KEEP_CHARS);
      opts.onOutput?.(chunk);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** The last 20,000 characters of stdout and stderr, interleaved as they arrived. */
  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** A crash: no shutdown phase runs. Resolves when the process is gone. */
  kill9(): Promise<number | null> {
    this.child.kill('SIGKILL');
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
}
