import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadLoop {
  /** Rounds finished so far. */
  readonly rounds: number;
  /**
   * Ends the loop: the round in progress finishes, no new one starts. Resolves with the number of
   * rounds run; rejects with a round's error, or when the loop hit `maxRounds` before being told to
   * stop (the load then did not last as long as the test needed).
   */
  stop(): Promise<number>;
}

/**
 * Runs `round(i)` again and again, `pauseMs` apart, until `stop()`: load that lasts exactly as long
 * as the test needs it, so "this happened under load" holds by construction instead of depending on
 * how long a fixed amount of load happened to take. `maxRounds` only guards against a test that
 * never stops it.
 */
export function startLoadLoop(
  round: (i: number) => Promise<void>,
  opts: { pauseMs?: number; maxRounds?: number } = {},
): LoadLoop {
  const maxRounds = opts.maxRounds ?? 10_000;
  let stopping = false;
  let rounds = 0;
  let wake!: () => void;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const running = (async () => {
    while (!stopping) {
      await round(rounds);
      rounds++;
      if (!stopping && rounds >= maxRounds)
        throw new Error(`load loop ran all ${maxRounds} rounds before stop()`);
      await Promise.race([sleep(opts.pauseMs ?? 0), stopped]);
    }
    return rounds;
  })();
  // A failed round is reported by stop(), not as an unhandled rejection while the test waits.
  running.catch(() => undefined);
  return {
    get rounds() {
      return rounds;
    },
    stop() {
      stopping = true;
      wake();
      return running;
    },
  };
}
