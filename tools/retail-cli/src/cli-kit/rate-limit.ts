import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A token bucket for `--rate N` (events per second): up to one second's worth may go at once,
 * then callers wait for tokens. `take(n)` for a batch of n waits until the batch fits the rate
 * on average, so a replay of batches of 500 at --rate 100 sends one batch every 5 s.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new RangeError('rate must be > 0');
    this.tokens = perSecond;
    this.last = this.now();
  }

  /** How long (ms) `take(n)` would wait now, without taking. */
  waitMs(n: number): number {
    this.refill(n);
    return this.tokens >= n ? 0 : ((n - this.tokens) / this.perSecond) * 1000;
  }

  /** Waits until `n` events may go, then takes them. Rejects if `signal` aborts meanwhile. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    const wait = this.waitMs(n);
    if (wait > 0) await sleep(wait, undefined, { signal });
    this.refill(n);
    this.tokens -= n;
  }

  /** The bucket holds a second's worth, or one batch if batches are bigger (else waits lose tokens). */
  private refill(batch: number): void {
    const t = this.now();
    const capacity = Math.max(this.perSecond, batch);
    this.tokens = Math.min(capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }
}

/** No limit: the same interface, never waits. */
export const UNLIMITED = {
  waitMs: () => 0,
  take: async () => undefined,
};

export function rateLimiterFor(rate: number | undefined): Pick<RateLimiter, 'take' | 'waitMs'> {
  return rate === undefined ? UNLIMITED : new RateLimiter(rate);
}
