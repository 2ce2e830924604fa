import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `url` until it answers 2xx. Gives up (throws) after timeoutMs, or at once when `gone()`
 * says the process behind it has exited (no point waiting for a dead child).
 */
export async function waitReady(
  url: string,
  opts: { timeoutMs: number; intervalMs?: number; gone?: () => string | undefined; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const gone = opts.gone?.();
    if (gone) throw new Error(`${gone} before it was ready (${url})`);
    if (opts.signal?.aborted) throw new Error('stopped while waiting for readiness');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`not ready within ${opts.timeoutMs} ms: ${url} (${last})`);
    await sleep(opts.intervalMs ?? 200);
  }
}
