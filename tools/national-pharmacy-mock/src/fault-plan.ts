import { seededRandom } from '@retail-stream/runtime';
import type { FaultConfig, FaultScope } from './fault-config.ts';

export type FaultOutcome =
  | { kind: 'none' }
  | { kind: 'maintenance'; retryAfterS?: number }
  | { kind: 'error'; status: number }
  | { kind: 'rate-limit'; retryAfterS: number }
  | { kind: 'timeout'; afterMs: number; commits: boolean }
  | { kind: 'slow'; afterMs: number };

export interface FaultDecision {
  latencyMs: number;
  outcome: FaultOutcome;
}

/**
 * Decides each API request's fate from the fault config. Every request in scope takes exactly two
 * draws (jitter, outcome) whatever the outcome, so with a seed N requests meet the same faults in
 * the same order, and their counts are exact, however the requests interleave. Maintenance takes no
 * draw: it is a state, not a chance.
 */
export class FaultPlan {
  private random: () => number = Math.random;
  private errorsAnswered = 0;

  constructor(
    private config: FaultConfig,
    private readonly now: () => number,
  ) {
    this.reseed();
  }

  get current(): FaultConfig {
    return this.config;
  }

  /** Replaces the config; a seed in it restarts the draws from that seed. */
  replace(config: FaultConfig): void {
    this.config = config;
    this.reseed();
  }

  decide(scope: FaultScope): FaultDecision {
    const c = this.config;
    const maintenance = this.maintenance();
    if (maintenance) return { latencyMs: c.latencyMs, outcome: maintenance };
    if (!c.scope.includes(scope)) return { latencyMs: c.latencyMs, outcome: { kind: 'none' } };
    const jitter = this.random();
    const u = this.random();
    const latencyMs = c.latencyMs + Math.floor(jitter * c.latencyJitterMs);
    let edge = c.errorRate;
    if (u < edge) {
      const status = c.errorStatuses[this.errorsAnswered++ % c.errorStatuses.length]!;
      return { latencyMs, outcome: { kind: 'error', status } };
    }
    edge += c.rateLimitRate;
    if (u < edge) return { latencyMs, outcome: { kind: 'rate-limit', retryAfterS: c.retryAfterS } };
    edge += c.timeoutRate;
    if (u < edge)
      return { latencyMs, outcome: { kind: 'timeout', afterMs: c.timeoutMs, commits: c.timeoutCommits } };
    edge += c.slowRate;
    if (u < edge) return { latencyMs, outcome: { kind: 'slow', afterMs: c.slowMs } };
    return { latencyMs, outcome: { kind: 'none' } };
  }

  /** In maintenance (switch on, or now inside a window): with the seconds left when a window says. */
  maintenance(): FaultOutcome | undefined {
    if (this.config.maintenance) return { kind: 'maintenance' };
    const t = this.now();
    const w = this.config.maintenanceWindows.find((x) => t >= x.from && t < x.to);
    if (!w) return undefined;
    return { kind: 'maintenance', retryAfterS: Math.max(1, Math.ceil((w.to - t) / 1000)) };
  }

  private reseed(): void {
    this.errorsAnswered = 0;
    if (this.config.seed !== undefined) this.random = seededRandom(this.config.seed);
  }
}
