import { useEffect, useRef, useState } from 'react';
import { ApiCallError } from './api-client.ts';
import {
  initialPollState,
  nextPollDelay,
  pollFailed,
  pollSucceeded,
  type PollState,
} from './lib/poll-state.ts';

/**
 * Polls `load` every 2 s (sooner after a failure), keeping the last good data. A change of `key`
 * (the store filter) polls at once; an answer for an older key is dropped.
 */
export function usePoll<T>(key: string, load: (signal: AbortSignal) => Promise<T>): PollState<T> {
  const [state, setState] = useState<PollState<T>>(initialPollState);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const controller = new AbortController();
    const tick = async () => {
      const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(8_000)]);
      try {
        const data = await loadRef.current(signal);
        if (stopped) return;
        failures = 0;
        setState((prev) => pollSucceeded(prev, data, Date.now()));
      } catch (err) {
        if (stopped) return;
        failures += 1;
        const e =
          err instanceof ApiCallError
            ? { code: err.code, message: err.message }
            : { code: 'FETCH_FAILED', message: (err as Error).message };
        setState((prev) => pollFailed(prev, e));
      }
      if (!stopped) timer = setTimeout(tick, nextPollDelay(failures));
    };
    void tick();
    return () => {
      stopped = true;
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key]);

  return state;
}
