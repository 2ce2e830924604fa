export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay randomised away (1 = "full jitter"), so many clients don't retry in lockstep. */
  jitter?: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 200, maxMs: 30_000, jitter: 0.5 };

/** Delay before retry number `attempt` (1-based): exponential, capped, jittered. */
export function backoffDelayMs(
  attempt: number,
  opts: BackoffOptions = defaultBackoff,
  random = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  const jitter = opts.jitter ?? 0.5;
  return Math.round(exp * (1 - jitter) + exp * jitter * random());
}
