import type { Histogram } from 'prom-client';

export interface PhaseClock {
  /** Ends the phase running since the previous end (or the clock's start) and observes it. */
  readonly end: (phase: string) => void;
  /** Milliseconds per phase so far (rounded), for a debug line. */
  readonly ms: Record<string, number>;
}

/**
 * One clock for a batch's phase histogram (`{phase}` label): each phase runs from the previous
 * phase's end, so the phases add up to the batch and a dashboard can stack them. Processors use it
 * to split a transaction's waits on the broker (send, offsets, commit) from their own CPU.
 */
export function phaseClock(histogram: Histogram<'phase'>): PhaseClock {
  const ms: Record<string, number> = {};
  let mark = performance.now();
  return {
    ms,
    end: (phase: string) => {
      const at = performance.now();
      ms[phase] = Math.round(at - mark);
      histogram.observe({ phase }, (at - mark) / 1000);
      mark = at;
    },
  };
}
