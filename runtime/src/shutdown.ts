import type { Logger } from './logger.ts';

export interface ShutdownOptions {
  logger: Logger;
  /** The whole sequence must finish within this, or the process exits 1 (a supervisor will SIGKILL anyway). */
  timeoutMs: number;
  exit?: (code: number) => void;
}

/**
 * The order that loses nothing: stop taking new work, finish and commit what is in flight, flush
 * buffered output, then close connections (and the ops server, so /metrics answers to the end).
 */
export const SHUTDOWN_PHASES = ['stop-intake', 'drain', 'flush', 'close'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

type Hook = { name: string; phase: ShutdownPhase; fn: () => Promise<void> | void };

/**
 * Graceful stop on SIGTERM/SIGINT. Hooks run one after another, phase by phase (SHUTDOWN_PHASES),
 * and in the order they were added within a phase. `signal` aborts first, for loops that poll.
 */
export class Shutdown {
  private readonly hooks: Hook[] = [];
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private readonly exit: (code: number) => void;

  constructor(private readonly opts: ShutdownOptions) {
    this.exit = opts.exit ?? ((code) => process.exit(code));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isShuttingDown(): boolean {
    return this.controller.signal.aborted;
  }

  onShutdown(name: string, fn: Hook['fn'], phase: ShutdownPhase = 'drain'): void {
    this.hooks.push({ name, phase, fn });
  }

  /** Installs signal and crash handlers. A second signal exits at once: the operator insists. */
  install(): this {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.on(sig, () => {
        if (this.running) {
          this.opts.logger.warn({ signal: sig }, 'second signal: exiting now');
          this.exit(130);
          return;
        }
        void this.trigger(`signal ${sig}`, 0);
      });
    }
    process.on('uncaughtException', (err) => {
      this.opts.logger.fatal({ err }, 'uncaught exception');
      void this.trigger('uncaught exception', 1);
    });
    process.on('unhandledRejection', (err) => {
      this.opts.logger.fatal({ err }, 'unhandled rejection');
      void this.trigger('unhandled rejection', 1);
    });
    return this;
  }

  /** Runs the hooks once (later calls join the first) and then exits with exitCode. */
  trigger(reason: string, exitCode = 0): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run(reason, exitCode);
    return this.running;
  }

  private async run(reason: string, exitCode: number): Promise<void> {
    const { logger, timeoutMs } = this.opts;
    logger.info({ reason }, 'shutting down');
    this.controller.abort();
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      this.exit(1);
    }, timeoutMs);
    timer.unref();
    let code = exitCode;
    const ordered = SHUTDOWN_PHASES.flatMap((phase) => this.hooks.filter((h) => h.phase === phase));
    for (const hook of ordered) {
      const started = Date.now();
      try {
        await hook.fn();
        logger.info({ step: hook.name, phase: hook.phase, ms: Date.now() - started }, 'shutdown step done');
      } catch (err) {
        code = code || 1;
        logger.error({ step: hook.name, err }, 'shutdown step failed');
      }
    }
    clearTimeout(timer);
    logger.info({ exitCode: code }, 'shutdown complete');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    this.exit(code);
  }
}
