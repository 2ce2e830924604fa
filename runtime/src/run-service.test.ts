import { describe, expect, it } from 'vitest';
import { Health } from './health.ts';
import { createLogger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';
import { runService, type RunServiceOptions } from './run-service.ts';
import type { RunningService } from './running-service.ts';
import type { ServiceRuntime } from './service-runtime.ts';
import { Shutdown } from './shutdown.ts';

/** A runtime without a server or signal handlers; `exits` records what the process would exit with. */
function fakeRuntime() {
  const logger = createLogger({ service: 'run-service-test', level: 'silent' });
  const exits: number[] = [];
  const calls: string[] = [];
  const health = new Health();
  const shutdown = new Shutdown({ logger, timeoutMs: 5_000, exit: (code) => exits.push(code) });
  const rt = {
    logger,
    metrics: createMetricsRegistry('run-service-test', { defaultMetrics: false }),
    health,
    shutdown,
    serve: async () => {
      calls.push('serve');
      return 0;
    },
  } as unknown as ServiceRuntime;
  return { rt, health, shutdown, exits, calls };
}

const opts: RunServiceOptions = {
  name: 'test part',
  opsPort: 0,
  check: 'part',
  stopHook: 'part: stop',
  closeHook: 'part: close',
};

function part(calls: string[], readiness?: () => true | string): RunningService {
  return {
    isReady: () => true,
    stop: async () => void calls.push('stop'),
    close: async () => void calls.push('close'),
    ...(readiness ? { readiness } : {}),
  };
}

describe('runService', () => {
  it('serves before starting, reports readiness (with the part’s reason), and stops then closes on shutdown', async () => {
    const { rt, health, shutdown, exits, calls } = fakeRuntime();
    let reason: true | string = 'waiting for the database';
    const service = await runService(
      rt,
      async (deps) => {
        calls.push('start');
        expect(await health.readiness()).toMatchObject({ checks: { part: 'starting' } });
        expect(deps.signal.aborted).toBe(false);
        return part(calls, () => reason);
      },
      opts,
    );
    expect(service).toBeDefined();
    expect(await health.readiness()).toMatchObject({ checks: { part: 'waiting for the database' } });
    reason = true;
    expect(await health.readiness()).toMatchObject({ ready: true });
    await shutdown.trigger('test', 0);
    expect(calls).toEqual(['serve', 'start', 'stop', 'close']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when the part cannot start or reports a fatal error', async () => {
    const failed = fakeRuntime();
    const none = await runService(failed.rt, () => Promise.reject(new Error('no database')), opts);
    expect(none).toBeUndefined();
    expect(failed.exits).toEqual([1]);

    const fatal = fakeRuntime();
    let onFatal: ((err: unknown) => void) | undefined;
    await runService(
      fatal.rt,
      async (deps) => {
        onFatal = deps.onFatal;
        return part(fatal.calls);
      },
      opts,
    );
    onFatal!(new Error('bug'));
    await fatal.shutdown.trigger('joins the running shutdown');
    expect(fatal.calls).toEqual(['serve', 'stop', 'close']);
    expect(fatal.exits).toEqual([1]);
  });

  it('stops and closes a part that finished starting after the shutdown began', async () => {
    const { rt, shutdown, calls } = fakeRuntime();
    const service = await runService(
      rt,
      async () => {
        void shutdown.trigger('signal during start', 0);
        return part(calls);
      },
      opts,
    );
    expect(service).toBeUndefined();
    expect(calls).toEqual(['serve', 'stop', 'close']);
  });
});
