import { SHUTDOWN_PHASES } from '../shutdown.ts';
import type { LogLine } from './log-capture.ts';

/** One step of a graceful shutdown, as the runtime's `shutdown step done` log line reports it. */
export interface ShutdownStep {
  step: string;
  phase: string;
  /** When the step began: its line's time minus the `ms` it took (at or after the previous step ended). */
  startedAt: number;
  /** The time of its `shutdown step done` line. */
  finishedAt: number;
}

/** The shutdown steps a service logged, from its parsed JSON log lines (in whatever order they arrived). */
export function shutdownSteps(lines: readonly LogLine[]): ShutdownStep[] {
  return lines
    .filter((l) => l.msg === 'shutdown step done')
    .map((l) => {
      const finishedAt = Date.parse(String(l.time));
      return {
        step: String(l.step),
        phase: String(l.phase),
        startedAt: finishedAt - Number(l.ms),
        finishedAt,
      };
    });
}

/**
 * The pairs of steps that broke the phase order: a step that began before a step of an earlier
 * phase had finished. Lines logged within the same millisecond at exit can reach stdout out of
 * order, so the order is judged from each step's phase and times, never from the order of lines.
 * Empty when the shutdown ran phase by phase.
 */
export function shutdownOrderProblems(steps: readonly ShutdownStep[]): string[] {
  const rank = (s: ShutdownStep) => (SHUTDOWN_PHASES as readonly string[]).indexOf(s.phase);
  const problems: string[] = [];
  for (const earlier of steps) {
    for (const later of steps) {
      if (rank(earlier) < rank(later) && later.startedAt < earlier.finishedAt) {
        problems.push(
          `${later.phase}: ${later.step} began before ${earlier.phase}: ${earlier.step} had finished`,
        );
      }
    }
  }
  return problems;
}
