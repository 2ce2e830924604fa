export type ReadinessCheck = () => Promise<boolean | string> | boolean | string;

/**
 * What /readyz tells callers per check. The detail (a driver's error text, a host name, a
 * password-authentication failure for user X) is for the log only: it maps the deployment for
 * whoever can reach the port, so the answer carries one of these words and nothing else.
 */
export type PublicCheckState = 'ok' | 'not ready' | 'timed out' | 'failed' | 'shutting down';

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

  /** readiness() for callers: per check only a PublicCheckState; `details` are for the log. */
  async publicReadiness(timeoutMs = 2_000): Promise<{
    ready: boolean;
    checks: Record<string, PublicCheckState>;
    details: Record<string, string>;
  }> {
    const { ready, checks } = await this.readiness(timeoutMs);
    const states = Object.fromEntries(
      Object.entries(checks).map(([name, detail]) => [name, publicState(name, detail)]),
    );
    return { ready, checks: states, details: checks };
  }
}

function publicState(name: string, detail: string): PublicCheckState {
  if (detail === 'ok') return 'ok';
  if (name === 'shutdown') return 'shutting down';
  if (detail.startsWith(TIMED_OUT)) return 'timed out';
  if (detail.startsWith(FAILED)) return 'failed';
  return 'not ready';
}

const TIMED_OUT = 'timed out after ';
const FAILED = 'error: ';

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`${TIMED_OUT}${timeoutMs}ms`), timeoutMs);
    });
    const result = await Promise.race([Promise.resolve(check()), timeout]);
    if (result === true) return 'ok';
    if (result === false) return 'not ready';
    return result;
  } catch (err) {
    return `${FAILED}${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
