import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, type Logger } from '@retail-stream/runtime';

/**
 * Runs fn every intervalMs (never two at once); stop() waits for a run in progress. A failing run
 * is logged and the schedule goes on: housekeeping must not take the relay down.
 */
export class Periodic {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly fn: (signal: AbortSignal) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await this.fn(signal);
      } catch (err) {
        this.logger.warn({ err, code: errorCode(err), task: this.name }, 'periodic task failed');
      }
      await sleep(this.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
