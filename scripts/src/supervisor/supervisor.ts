import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { LinePrefixer, namePrefix } from './line-prefixer.ts';
import { waitReady } from './wait-ready.ts';

export interface ChildSpec {
  /** Shown before every line of the child's output. */
  name: string;
  command: string;
  args?: string[];
  /** Added to the supervisor's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Polled until 2xx before the next group starts; without it the child counts as ready when spawned. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** A job that must exit 0 before the next group starts (migrations, seeding). */
  oneShot?: boolean;
  /** Default true: an unexpected exit stops everything and the supervisor exits non-zero. */
  required?: boolean;
}

export type ChildStatus = 'pending' | 'starting' | 'ready' | 'done' | 'exited' | 'stopping' | 'stopped';

export interface ChildState {
  name: string;
  pid: number | undefined;
  status: ChildStatus;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  startedAt: number | undefined;
  readyAt: number | undefined;
}

export interface SupervisorOptions {
  /** Started group after group; every child of a group must be ready (or done) before the next starts. */
  groups: ChildSpec[][];
  /** Per child: SIGTERM, then SIGKILL after this. */
  stopTimeoutMs?: number;
  out?: { write(text: string): unknown; isTTY?: boolean };
  colour?: boolean;
  /** A live one-line summary, printed every `everyMs` (e.g. rates and totals read from the children). */
  summary?: {
    everyMs: number;
    line: (states: readonly ChildState[]) => string | undefined | Promise<string | undefined>;
  };
}

interface Running {
  spec: ChildSpec;
  state: ChildState;
  child?: ChildProcess;
  exited?: Promise<void>;
}

/**
 * A small process supervisor for the demo: starts named children in ordered groups (waiting for
 * each one's readiness URL), prefixes their output with a coloured fixed-width name, stops them in
 * reverse order (SIGTERM, then SIGKILL after a timeout) on Ctrl-C/SIGTERM, and stops everything
 * with a non-zero exit when a required child dies unexpectedly.
 *
 * Children run in their own process group: SIGTERM goes to the child, SIGKILL (after the timeout,
 * and after the child exited) to its group, so nothing it started outlives it. Give the service's
 * own command (`node --import tsx src/main.ts`), not `npm start`: npm and sh do not pass SIGTERM on
 * reliably, so the service would be killed instead of stopping gracefully.
 */
export class Supervisor {
  private readonly running: Running[];
  private readonly width: number;
  private readonly colour: boolean;
  private readonly out: NonNullable<SupervisorOptions['out']>;
  private stopping: Promise<number> | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private exitCode = 0;
  private resolveDone!: (code: number) => void;
  /** The supervisor's exit code, once every child has stopped. */
  readonly done: Promise<number>;

  constructor(private readonly opts: SupervisorOptions) {
    const names = opts.groups.flat().map((c) => c.name);
    if (new Set(names).size !== names.length) throw new Error('child names must be unique');
    this.running = opts.groups.flat().map((spec) => ({
      spec,
      state: {
        name: spec.name,
        pid: undefined,
        status: 'pending',
        exitCode: null,
        signal: null,
        startedAt: undefined,
        readyAt: undefined,
      },
    }));
    this.width = Math.min(18, Math.max(10, ...names.map((n) => n.length)));
    this.out = opts.out ?? process.stdout;
    this.colour = opts.colour ?? Boolean(this.out.isTTY);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  states(): ChildState[] {
    return this.running.map((r) => ({ ...r.state }));
  }

  /** Ctrl-C / SIGTERM stop the children in reverse order; a second signal kills them at once. */
  installSignals(): this {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (this.stopping) {
          this.log(`second ${sig}: killing everything`);
          for (const r of this.running) this.kill(r, 'SIGKILL');
          return;
        }
        void this.stop(`${sig} received`, 130);
      });
    }
    return this;
  }

  /** Starts every group in order; resolves when all are ready, rejects (after stopping everything) if one fails. */
  async start(): Promise<void> {
    this.startSummary();
    let index = 0;
    for (const group of this.opts.groups) {
      const members = this.running.slice(index, index + group.length);
      index += group.length;
      try {
        await Promise.all(members.map((r) => this.launch(r)));
      } catch (err) {
        this.log(`start failed: ${(err as Error).message}`);
        await this.stop('start failed', 1);
        throw err;
      }
      if (this.stopping) throw new Error('stopped while starting');
    }
    this.log(`all ${this.running.length} processes up`);
  }

  /** Stops children in reverse start order; resolves with the supervisor's exit code. Idempotent. */
  stop(reason: string, exitCode = 0): Promise<number> {
    this.stopping ??= (async () => {
      this.exitCode = this.exitCode || exitCode;
      this.abort.abort();
      clearInterval(this.summaryTimer);
      this.log(`stopping (${reason})`);
      for (const r of [...this.running].reverse()) await this.stopOne(r);
      this.log(`stopped; exit code ${this.exitCode}`);
      this.resolveDone(this.exitCode);
      return this.exitCode;
    })();
    return this.stopping;
  }

  private async launch(r: Running): Promise<void> {
    const { spec, state } = r;
    state.status = 'starting';
    state.startedAt = Date.now();
    const prefix = namePrefix(spec.name, this.width, this.running.indexOf(r), this.colour);
    const child = spawn(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    r.child = child;
    state.pid = child.pid;
    const stdout = new LinePrefixer(prefix, (t) => this.out.write(t));
    const stderr = new LinePrefixer(prefix, (t) => this.out.write(t));
    child.stdout!.on('data', (c: Buffer) => stdout.push(c));
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    spawnError.catch(() => undefined);
    r.exited = (async () => {
      const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
      stdout.flush();
      stderr.flush();
      state.exitCode = code;
      state.signal = signal;
      // An optional child that ends cleanly (the simulator given a --duration) has simply finished.
      const finished = code === 0 && (spec.oneShot === true || spec.required === false);
      const expected = state.status === 'stopping' || finished;
      state.status = state.status === 'stopping' ? 'stopped' : finished ? 'done' : 'exited';
      if (finished && !spec.oneShot) this.log(`${spec.name} finished`);
      if (!expected) {
        this.log(`${spec.name} exited unexpectedly (${signal ?? `code ${code}`})`);
        if (spec.required !== false) void this.stop(`${spec.name} died`, 1);
      }
    })();
    r.exited.catch(() => undefined);
    const gone = () =>
      state.status === 'exited'
        ? `${spec.name} exited (${state.signal ?? `code ${state.exitCode}`})`
        : undefined;
    if (spec.oneShot) {
      await Promise.race([r.exited, spawnError]);
      if ((state.status as ChildStatus) !== 'done')
        throw new Error(`${spec.name} failed (${state.signal ?? `code ${state.exitCode}`})`);
      return;
    }
    if (spec.readyUrl) {
      await Promise.race([
        waitReady(spec.readyUrl, {
          timeoutMs: spec.readyTimeoutMs ?? 120_000,
          gone,
          signal: this.abort.signal,
        }),
        spawnError,
      ]);
    } else {
      await Promise.race([once(child, 'spawn'), spawnError]);
    }
    if (state.status !== 'starting') return; // exited meanwhile: its exit handler has decided
    state.status = 'ready';
    state.readyAt = Date.now();
    this.log(
      `${spec.name} ready${spec.readyUrl ? ` (${spec.readyUrl})` : ''} after ${state.readyAt - state.startedAt} ms`,
    );
  }

  private async stopOne(r: Running): Promise<void> {
    if (
      !r.child ||
      !r.exited ||
      r.state.status === 'exited' ||
      r.state.status === 'done' ||
      r.state.status === 'stopped'
    )
      return;
    r.state.status = 'stopping';
    this.kill(r, 'SIGTERM');
    const timeoutMs = this.opts.stopTimeoutMs ?? 10_000;
    const timedOut = await Promise.race([r.exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      this.log(`${r.spec.name} still running ${timeoutMs} ms after SIGTERM: SIGKILL`);
      this.kill(r, 'SIGKILL');
      await r.exited;
    }
    this.kill(r, 'SIGKILL'); // leftovers of its group (a wrapper that exited before its child)
  }

  /**
   * SIGTERM goes to the child itself: a wrapper (tsx, npm) forwards it, and a service that got it
   * twice (directly and forwarded) would take the second as "exit now" and skip its graceful stop.
   * SIGKILL goes to the whole process group, so nothing the child started survives.
   */
  private kill(r: Running, signal: NodeJS.Signals): void {
    const child = r.child;
    if (child?.pid === undefined) return;
    if (signal !== 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return;
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }

  private startSummary(): void {
    const summary = this.opts.summary;
    if (!summary) return;
    this.summaryTimer = setInterval(() => {
      void Promise.resolve(summary.line(this.states()))
        .then((line) => {
          if (line) this.log(line);
        })
        .catch(() => undefined);
    }, summary.everyMs);
    this.summaryTimer.unref();
  }

  private log(message: string): void {
    this.out.write(`${namePrefix('supervisor', this.width, 9, this.colour)}${message}\n`);
  }
}
