import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ServiceProcess,
  shutdownOrderProblems,
  shutdownSteps,
  Teardowns,
  tolerateDroppedConnections,
  waitFor,
} from '@retail-stream/runtime/testing';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EventMaker } from '../test/events.ts';
import {
  gatewayTestEnv,
  gatewayWorld,
  PACKAGE_DIR,
  postBatch,
  REPO_ROOT,
  uniqueStoreId,
} from '../test/harness.ts';
import { issueKey } from './api-keys.ts';
import { gatewayPool } from './db.ts';

const MAIN = path.join(PACKAGE_DIR, 'src', 'main.ts');
const teardowns = new Teardowns({ ignoreErrors: true });
afterAll(() => teardowns.run());

function start(env: Record<string, string>): ServiceProcess {
  return teardowns.add(new ServiceProcess(MAIN, { NODE_ENV: 'test', ...env }, { cwd: REPO_ROOT }), (p) =>
    p.kill9(),
  );
}

describe('main.ts as a real process', () => {
  it('starts (migrates, ready), and on SIGTERM finishes the request in flight before closing', async () => {
    const world = teardowns.add(await gatewayWorld(), (w) => w.drop());
    const env = gatewayTestEnv(world.topic, world.schema, { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_S: '20' });
    const p = start(env);
    const port = await p.port();
    await p.waitForLog('ingest gateway ready');
    const url = `http://127.0.0.1:${port}`;
    expect(p.lines.some((l) => l.msg === 'migration applied')).toBe(true);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { gateway: 'ok' },
    });

    const db: pg.Pool = tolerateDroppedConnections(gatewayPool(env.PG_URL, world.schema, { max: 2 }));
    teardowns.push(() => db.end());
    const storeId = uniqueStoreId('m');
    const { key } = await issueKey(db, storeId);
    const make = new EventMaker(storeId);
    expect((await postBatch(url, key, { events: make.batch(2) })).body.accepted).toBe(2);

    // Hold the store's cursor row: the next request waits on it, in flight, while SIGTERM arrives.
    const holder = await db.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT last_seq FROM ingest_store_cursors WHERE store_id = $1 FOR UPDATE', [storeId]);
    const events = make.batch(3);
    const inflight = postBatch(url, key, { events });
    await waitFor(
      async () =>
        (
          await db.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'ingest-gateway' AND wait_event_type = 'Lock'",
          )
        ).rowCount,
      { timeoutMs: 10_000, what: 'the request waiting on the cursor lock' },
    );
    p.kill('SIGTERM');
    await p.waitForLog('shutting down');
    await sleep(300);
    expect(p.child.exitCode).toBeNull(); // still waiting for the request in flight
    await holder.query('COMMIT');
    holder.release();

    const answer = await inflight;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 3, last_seq: 5 });
    expect(await p.exited).toBe(0);
    // Lines logged within the same millisecond at exit can reach stdout out of order (about one
    // run in five), so the order is checked from each step's phase and times, not from the order
    // of the lines.
    const steps = shutdownSteps(p.lines);
    expect(steps.map((s) => `${s.phase}: ${s.step}`).sort()).toEqual([
      'close: kafka producer and database pool',
      'stop-intake: http server',
      'stop-intake: mark not ready',
    ]);
    expect(shutdownOrderProblems(steps)).toEqual([]);

    const collector = await world.collector();
    const got = await collector.waitForKey(storeId, 5);
    expect(got).toHaveLength(5);
    expect(got.slice(2).map((m) => m.headers.event_id)).toEqual(events.map((e) => e.event_id));
  });

  it('configuration errors: every problem listed, exit 78', async () => {
    const p = start({ PG_URL: 'mysql://nope', GATEWAY_MAX_EVENTS: 'lots' });
    expect(await p.exited).toBe(78);
    expect(p.output).toContain('PG_URL');
    expect(p.output).toContain('GATEWAY_MAX_EVENTS');
  });
});
