import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tolerateDroppedConnections, waitFor } from '@retail-stream/runtime/testing';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EventMaker } from '../test/events.ts';
import {
  createTopic,
  deleteTopic,
  dropSchema,
  gatewayTestEnv,
  PACKAGE_DIR,
  postBatch,
  REPO_ROOT,
  TopicCollector,
  uniqueSchema,
  uniqueStoreId,
  type LogLine,
} from '../test/harness.ts';
import { issueKey } from './api-keys.ts';
import { gatewayPool } from './db.ts';

const MAIN = path.join(PACKAGE_DIR, 'src', 'main.ts');
const children: ChildProcess[] = [];
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: LogLine[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ level: 'raw', msg: line });
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logged = (msg: string) =>
    waitFor(() => lines.find((l) => l.msg === msg), {
      timeoutMs: 30_000,
      what: `log "${msg}"; stderr: ${stderr}`,
    });
  return { child, lines, exited, logged, stderr: () => stderr };
}

describe('main.ts as a real process', () => {
  it('starts (migrates, ready), and on SIGTERM finishes the request in flight before closing', async () => {
    const topic = await createTopic();
    const schema = uniqueSchema();
    cleanup.push(
      () => deleteTopic(topic),
      () => dropSchema(schema),
    );
    const env = gatewayTestEnv(topic, schema, { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_S: '20' });
    const p = start(env);
    const port = (await p.logged('http listening')).port as number;
    await p.logged('ingest gateway ready');
    const url = `http://127.0.0.1:${port}`;
    expect(p.lines.some((l) => l.msg === 'migration applied')).toBe(true);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { gateway: 'ok' },
    });

    const db: pg.Pool = tolerateDroppedConnections(gatewayPool(env.PG_URL, schema, { max: 2 }));
    cleanup.push(() => db.end());
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
    p.child.kill('SIGTERM');
    await p.logged('shutting down');
    await sleep(300);
    expect(p.child.exitCode).toBeNull(); // still waiting for the request in flight
    await holder.query('COMMIT');
    holder.release();

    const answer = await inflight;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 3, last_seq: 5 });
    expect(await p.exited).toBe(0);
    const steps = p.lines.filter((l) => l.msg === 'shutdown step done').map((l) => l.step);
    expect(steps).toEqual(['mark not ready', 'http server', 'kafka producer and database pool']);

    const collector = await new TopicCollector(topic).start();
    cleanup.push(() => collector.stop());
    const got = await collector.waitForKey(storeId, 5);
    expect(got).toHaveLength(5);
    expect(got.slice(2).map((m) => m.headers.event_id)).toEqual(events.map((e) => e.event_id));
  });

  it('configuration errors: every problem listed, exit 78', async () => {
    const p = start({ PG_URL: 'mysql://nope', GATEWAY_MAX_EVENTS: 'lots' });
    expect(await p.exited).toBe(78);
    expect(p.stderr()).toContain('PG_URL');
    expect(p.stderr()).toContain('GATEWAY_MAX_EVENTS');
  });
});
