/**
 * What the page knows about one polled source: the last good answer stays on screen through
 * failures, so an API outage shows a banner over stale numbers instead of an empty page.
 */
export interface PollState<T> {
  data: T | undefined;
  lastOkAt: number | null;
  failures: number;
  error: { code: string; message: string } | null;
}

export function initialPollState<T>(): PollState<T> {
  return { data: undefined, lastOkAt: null, failures: 0, error: null };
}

/**
 * An answer equal to the last one keeps the previous object, so memoised panels (charts) skip
 * re-rendering when a refresh brought nothing new.
 */
export function pollSucceeded<T>(prev: PollState<T>, data: T, nowMs: number): PollState<T> {
  const same = prev.data !== undefined && JSON.stringify(prev.data) === JSON.stringify(data);
  return { data: same ? prev.data : data, lastOkAt: nowMs, failures: 0, error: null };
}

export function pollFailed<T>(prev: PollState<T>, error: { code: string; message: string }): PollState<T> {
  return { ...prev, failures: prev.failures + 1, error };
}

/** Normal refresh every intervalMs; after failures retry sooner at first, never slower than maxMs. */
export function nextPollDelay(failures: number, intervalMs = 2_000, maxMs = 2_000): number {
  if (failures === 0) return intervalMs;
  return Math.min(maxMs, 250 * 2 ** (failures - 1));
}

/** An API is "down" for the banner after two failed rounds in a row: one lost request is noise. */
export function isDown(state: PollState<unknown>, threshold = 2): boolean {
  return state.failures >= threshold;
}

/** Error body of the reports API or the dashboard server; a readable fallback for anything else. */
export function errorFromResponse(status: number, body: unknown): { code: string; message: string } {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (e && typeof e.code === 'string') {
    return { code: e.code, message: typeof e.message === 'string' ? e.message : e.code };
  }
  return { code: `HTTP_${status}`, message: `HTTP ${status}` };
}
