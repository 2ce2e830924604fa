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

  it('publicReadiness keeps the reason (driver text) out of the answer and in details', async () => {
    const h = new Health();
    h.addCheck('database', () => {
      throw new Error('password authentication failed for user "retail" at 10.0.0.7:5432');
    });
    h.addCheck('kafka', () => 'broker kafka-1.internal:9092 unreachable');
    h.addCheck('slow', () => new Promise<boolean>(() => undefined));
    const r = await h.publicReadiness(50);
    expect(r.checks).toEqual({ database: 'failed', kafka: 'not ready', slow: 'timed out' });
    expect(JSON.stringify(r.checks)).not.toMatch(/password|10\.0\.0\.7|kafka-1/);
    expect(r.details.database).toMatch(/password authentication failed/);
  });
});
