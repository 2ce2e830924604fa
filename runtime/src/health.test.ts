import { describe, expect, it } from 'vitest';
import { Health } from './health.ts';

describe('Health.readiness', () => {
  it('is ready only when every check passes', async () => {
    const h = new Health();
    h.addCheck('db', () => true);
    h.addCheck('kafka', async () => 'not connected');
    const r = await h.readiness();
    expect(r.ready).toBe(false);
    expect(r.checks).toEqual({ db: 'ok', kafka: 'not connected' });
  });
  it('fails a check that hangs or throws, and everything once shutting down', async () => {
    const h = new Health();
    h.addCheck('slow', () => new Promise<boolean>(() => undefined));
    h.addCheck('boom', () => {
      throw new Error('nope');
    });
    const r = await h.readiness(50);
    expect(r.checks.slow).toMatch(/timed out/);
    expect(r.checks.boom).toBe('error: nope');
    const ok = new Health();
    ok.addCheck('db', () => true);
    expect((await ok.readiness()).ready).toBe(true);
    ok.markShuttingDown();
    expect((await ok.readiness()).ready).toBe(false);
  });
});
