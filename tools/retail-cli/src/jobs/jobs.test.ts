import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../cli-kit/context.ts';
import { csvField } from './daily-export.ts';
import { dueDay, previousUtcDay } from './due-day.ts';
import { jobsConfig } from './jobs-config.ts';
import { JOB_NAMES, startJobs } from './jobs-service.ts';
import { parseConfig, createLogger } from '@retail-stream/runtime';

describe('dueDay', () => {
  const lateness = 30 * 60_000;
  it('is yesterday (local) once local midnight + lateness passed, the day before until then', () => {
    // 2026-12-05 17:35Z = 00:35 on the 6th in Ho Chi Minh City (UTC+7): the 5th is due.
    expect(dueDay(Date.parse('2026-12-05T17:35:00Z'), 'Asia/Ho_Chi_Minh', lateness)).toBe('2026-12-05');
    // 17:20Z = 00:20 local: within lateness, the 4th is still the last due day.
    expect(dueDay(Date.parse('2026-12-05T17:20:00Z'), 'Asia/Ho_Chi_Minh', lateness)).toBe('2026-12-04');
    // The same instant in New York (UTC−5) is 12:35 on the 5th: the 4th is due.
    expect(dueDay(Date.parse('2026-12-05T17:35:00Z'), 'America/New_York', lateness)).toBe('2026-12-04');
  });
  it('previousUtcDay', () => {
    expect(previousUtcDay(Date.parse('2026-12-06T00:10:00Z'))).toBe('2026-12-05');
  });
});

describe('csvField', () => {
  it('quotes only what needs it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });
});

describe('startJobs metrics', () => {
  it('exposes every job × outcome at 0 before any run, so increase() sees the first failure', async () => {
    const metrics = new Registry();
    let closed = false;
    const ctx = { close: async () => void (closed = true) } as unknown as CliContext;
    const running = await startJobs({
      ctx,
      config: parseConfig(jobsConfig, {}),
      logger: createLogger({ service: 'jobs-test', level: 'silent' }),
      metrics,
    });
    try {
      const text = await metrics.metrics();
      for (const job of JOB_NAMES) {
        for (const outcome of ['ok', 'failed']) {
          expect(text).toContain(`retail_jobs_runs_total{job="${job}",outcome="${outcome}"} 0`);
        }
      }
    } finally {
      await running.stop();
      await running.close();
    }
    expect(closed).toBe(true);
  });
});
