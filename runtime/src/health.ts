export type ReadinessCheck = () => Promise<boolean | string> | boolean | string;

/**
 * Liveness is "the event loop answers"; readiness is "the process can do its job now": its
 * dependencies answer and it is not shutting down. Load balancers and supervisors use the latter.
 */
export class Health {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  addCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Each check gets timeoutMs; a check that throws, times out or returns false/a reason fails readiness. */
  async readiness(timeoutMs = 2_000): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    if (this.shuttingDown) results.shutdown = 'shutting down';
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        results[name] = await runCheck(check, timeoutMs);
      }),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    return { ready, checks: results };
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`timed out after ${timeoutMs}ms`), timeoutMs);
    });
    const result = await Promise.race([Promise.resolve(check()), timeout]);
    if (result === true) return 'ok';
    if (result === false) return 'not ready';
    return result;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
