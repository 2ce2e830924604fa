import { setTimeout as sleep } from 'node:timers/promises';

export type WakeReason = 'woken' | 'timeout' | 'aborted';

/**
 * "Something happened, look again": NOTIFY from the store edge, a destination back ONLINE. A wake
 * with nobody waiting is remembered (once), so a wake-up that arrives while the relay is busy
 * publishing is not lost between its last read and its next wait.
 */
export class WakeSignal {
  private pending = false;
  private waiters: (() => void)[] = [];

  wake(): void {
    if (this.waiters.length === 0) {
      this.pending = true;
      return;
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Forgets a remembered wake (the caller is about to look anyway). */
  clear(): void {
    this.pending = false;
  }

  async wait(timeoutMs: number, signal?: AbortSignal): Promise<WakeReason> {
    if (signal?.aborted) return 'aborted';
    if (this.pending) {
      this.pending = false;
      return 'woken';
    }
    const timer = new AbortController();
    let resolveWoken!: () => void;
    const woken = new Promise<WakeReason>((resolve) => {
      resolveWoken = () => resolve('woken');
    });
    this.waiters.push(resolveWoken);
    const onAbort = () => timer.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([
        woken,
        sleep(timeoutMs, 'timeout' as const, { signal: timer.signal }).catch(() => 'aborted' as const),
      ]);
    } finally {
      timer.abort();
      signal?.removeEventListener('abort', onAbort);
      this.waiters = this.waiters.filter((w) => w !== resolveWoken);
    }
  }
}
