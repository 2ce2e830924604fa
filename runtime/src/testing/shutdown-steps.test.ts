import { describe, expect, it } from 'vitest';
import { shutdownOrderProblems, shutdownSteps } from './shutdown-steps.ts';

const done = (step: string, phase: string, time: string, ms: number) => ({
  level: 'info',
  msg: 'shutdown step done',
  step,
  phase,
  time,
  ms,
});

describe('shutdownSteps / shutdownOrderProblems', () => {
  it('reads each step from its line and accepts lines that arrived out of order', () => {
    const steps = shutdownSteps([
      done('close db', 'close', '2026-12-06T00:00:01.300Z', 0),
      { level: 'info', msg: 'closed' },
      done('finish batch', 'drain', '2026-12-06T00:00:01.300Z', 300),
      done('stop consumer', 'stop-intake', '2026-12-06T00:00:01.000Z', 0),
    ]);
    expect(steps.find((s) => s.step === 'finish batch')).toEqual({
      step: 'finish batch',
      phase: 'drain',
      startedAt: Date.parse('2026-12-06T00:00:01.000Z'),
      finishedAt: Date.parse('2026-12-06T00:00:01.300Z'),
    });
    expect(shutdownOrderProblems(steps)).toEqual([]);
  });

  it('names a step that began before an earlier phase had finished', () => {
    const steps = shutdownSteps([
      done('close db', 'close', '2026-12-06T00:00:01.000Z', 0),
      done('finish batch', 'drain', '2026-12-06T00:00:01.300Z', 300),
    ]);
    expect(shutdownOrderProblems(steps)).toEqual([
      'close: close db began before drain: finish batch had finished',
    ]);
  });
});
