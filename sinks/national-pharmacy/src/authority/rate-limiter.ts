/**
 * A token bucket per account (requests per second, burst of one second's worth): the authority's
 * limits are undocumented, so each pharmacy account is paced on our side. In-process: several
 * sync processes each pace at this rate.
 */
export class AccountRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; queue: Promise<void> }>();

  constructor(private readonly perSecond: number) {}

  /** Resolves when a request for the account may go; callers queue in order. */
  take(account: string): Promise<void> {
    let b = this.buckets.get(account);
    if (!b) {
      b = { tokens: this.perSecond, at: performance.now(), queue: Promise.resolve() };
      this.buckets.set(account, b);
    }
    const bucket = b;
    const turn = bucket.queue.then(async () => {
      for (;;) {
        const now = performance.now();
        bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
        bucket.at = now;
        if (bucket.tokens >= 1) {
          bucket.tokens -= 1;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1000)));
      }
    });
    bucket.queue = turn;
    return turn;
  }
}
