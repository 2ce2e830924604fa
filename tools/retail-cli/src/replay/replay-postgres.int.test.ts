import { seededRandom } from '@retail-stream/runtime';
import { waitFor } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePgSinkFixture } from '../../../../sinks/postgres/test/fixture.ts';
import {
  countTables,
  dumpTables,
  enrich,
  expectedCounts,
  kpiRecord,
  TABLES,
  topicEnv,
} from '../../../../sinks/postgres/test/harness.ts';
import { cliEnv, ENDPOINTS, runCli, spawnCli } from '../../test/cli-harness.ts';
import type { ReplaySummary } from './run-replay.ts';

/**
 * retail replay into the Postgres sink's own tables (a schema of this file's): replaying a range
 * twice leaves identical tables; a replay stopped (Ctrl-C, kill -9, --max-batches) and run again
 * resumes from its checkpoint and ends exact; bad input changes nothing; a dry run counts what
 * the replay then writes.
 */
describe('retail replay --sink postgres', () => {
  const f = usePgSinkFixture({ topicPrefix: 'cli-replay-pg', eventPartitions: 3 });
  const ops = new pg.Pool({ connectionString: ENDPOINTS.pgUrl, max: 2 });
  afterAll(async () => {
    // This file's checkpoints (their ranges name its topics); audit rows stay, as the log they are.
    await ops.query(`DELETE FROM ops.replay_checkpoints WHERE command::text LIKE '%' || $1 || '%'`, [
      f.topics.events,
    ]);
    await ops.end();
  });
  let events: StoreEvent[];
  let env: Record<string, string>;
  const kpis = [kpiRecord({ revision: 1 }), kpiRecord({ revision: 2, orders: 6 })];
  const total = () => events.length + kpis.length;

  beforeAll(async () => {
    events = ['st_a', 'st_b', 'st_c']
      .flatMap((s, i) => new StoreEventFactory(s, seededRandom(40 + i)).mixed(120))
      .map((e) => enrich(e));
    await f.producer.send(
      f.topics.events,
      events.map((e) => f.encoder.event(e)),
    );
    await f.producer.send(
      f.topics.kpi,
      kpis.map((k) => f.encoder.kpi(k)),
    );
    env = cliEnv(topicEnv(f.schema, f.topics));
  });

  const replay = (...args: string[]) => runCli(['replay', '--sink', 'postgres', '--json', ...args], env);
  const dump = () => dumpTables(f.pool, { withoutProcessingTime: true });
  const auditRows = async (since: Date) =>
    (
      await ops.query<{ outcome: string; error: string | null; counts: unknown }>(
        `SELECT outcome, error, counts FROM ops.audit_log WHERE command = 'replay' AND actor = 'retail-cli-test'
           AND at >= $1 AND args->>'sink' = 'postgres' ORDER BY id`,
        [since],
      )
    ).rows;

  it('bad input: clear error, usage exit code, nothing written', async () => {
    const since = new Date();
    const before = await countTables(f.pool);
    const cases: [string[], string][] = [
      [['--from', '1h', '--topic', 'no.such.topic'], 'REPLAY_UNKNOWN_TOPIC'],
      [['--offsets', 'no.such.topic:0:0-10'], 'REPLAY_UNKNOWN_TOPIC'],
      [['--offsets', `${f.topics.events}:7:0-10`], 'REPLAY_UNKNOWN_TOPIC'],
      [['--from', '1h', '--to', '2h'], 'REPLAY_BAD_RANGE'],
      [['--offsets', `${f.topics.events}:0:10-5`], 'REPLAY_BAD_RANGE'],
      [['--from', '2099-01-01T00:00:00Z', '--to', '2099-01-02T00:00:00Z'], 'REPLAY_NO_DATA'],
      [['--from', 'yesterday'], 'CLI_USAGE'],
      [['--from', '1h', '--rate', '0'], 'CLI_USAGE'],
      [[], 'CLI_USAGE'],
    ];
    for (const [args, code] of cases) {
      const run = await replay(...args);
      expect({ args, code: run.code, error: run.json<{ error: { code: string } }>().error.code }).toEqual({
        args,
        code: 64,
        error: code,
      });
      expect(run.stderr).toContain(code);
    }
    const unknownSink = await runCli(['replay', '--sink', 'oracle', '--from', '1h'], env);
    expect(unknownSink.code).toBe(64);
    expect(await countTables(f.pool)).toEqual(before);
    // Errors found after the audit row was written are recorded as failed (usage errors before it are not).
    const audited = await auditRows(since);
    expect(audited.map((r) => r.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(audited.map((r) => r.error?.split(':')[0])).toEqual([
      'REPLAY_UNKNOWN_TOPIC',
      'REPLAY_UNKNOWN_TOPIC',
      'REPLAY_UNKNOWN_TOPIC',
      'REPLAY_NO_DATA',
    ]);
  });

  it('stopped after 2 batches (--max-batches), then the same command resumes and ends exact', async () => {
    const args = ['--from', '1h', '--batch-size', '40'];
    const first = await replay(...args, '--max-batches', '2');
    expect(first.code).toBe(130);
    const stopped = first.json<{ error: { code: string; counts: { batches: number; matched: number } } }>()
      .error;
    expect(stopped.code).toBe('CLI_INTERRUPTED');
    expect(stopped.counts.batches).toBeGreaterThanOrEqual(2);
    const partial = await countTables(f.pool);
    expect(partial.hq_inbox).toBeGreaterThan(0);
    expect(partial.hq_inbox).toBeLessThan(events.length);

    const second = await replay(...args);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming the replay');
    const s = second.json<ReplaySummary>();
    expect(s.resumed).toBe(true);
    expect(s.counts.matched).toBe(total());
    expect(s.written).toBe(total());
    const counts = await countTables(f.pool);
    expect(counts).toEqual({ ...expectedCounts(events), kpi_windows: 1 });
  });

  it('the same range replayed twice: identical tables; the dry run counted what was written', async () => {
    const before = await dump();
    const dry = (await replay('--from', '1h', '--dry-run')).json<ReplaySummary>();
    const run = await replay('--from', '1h');
    expect(run.code).toBe(0);
    const s = run.json<ReplaySummary>();
    expect(s.resumed).toBe(false);
    expect(await dump()).toEqual(before);
    expect(s.written).toBe(total());
    expect(dry.counts.matched).toBe(total());
    expect(dry.counts.byStore).toEqual(s.counts.byStore);
    expect(dry.counts.byType).toEqual(s.counts.byType);
    expect(dry.counts.byPartition).toEqual(s.counts.byPartition);
    const byType: Record<string, number> = { KpiWindowUpdated: kpis.length };
    for (const e of events) byType[e.event_type] = (byType[e.event_type] ?? 0) + 1;
    expect(dry.counts.byType).toEqual(byType);
    expect(dry.counts.byStore).toEqual({ st_a: 120, st_b: 120, st_c: 120, '(chain)': kpis.length });
  });

  it('filters: --store and --event-type count and write only those records', async () => {
    const dry = await replay(
      '--from',
      '1h',
      '--store',
      'st_b',
      '--event-type',
      'SaleRecorded,SaleVoided',
      '--dry-run',
    );
    const want = events.filter(
      (e) => e.store_id === 'st_b' && (e.event_type === 'SaleRecorded' || e.event_type === 'SaleVoided'),
    ).length;
    expect(dry.json<ReplaySummary>().counts.matched).toBe(want);
    expect(dry.json<ReplaySummary>().counts.read).toBe(total());
  });

  it('kill -9 mid-way, then the same command resumes from the checkpoint and ends exact', async () => {
    const before = await dump();
    await emptyEventTables();
    const args = ['replay', '--sink', 'postgres', '--json', '--from', '1h', '--topic', f.topics.events];
    // A rate cap makes the run last long enough to be killed between batches.
    const proc = spawnCli([...args, '--batch-size', '20', '--rate', '100'], env);
    await waitFor(async () => (await checkpointOf(f.topics.events)) > 0, {
      timeoutMs: 30_000,
      what: 'a checkpoint saved',
    });
    proc.child.kill('SIGKILL');
    expect((await proc.done).code).toBe(137);
    const done = await checkpointOf(f.topics.events);
    expect(done).toBeLessThan(events.length);

    const resumed = await runCli([...args, '--batch-size', '20'], env);
    expect(resumed.code).toBe(0);
    expect(resumed.json<ReplaySummary>().resumed).toBe(true);
    expect(await dump()).toEqual(before);
  });

  it('Ctrl-C finishes the batch in flight, saves and exits 130; the same command resumes', async () => {
    const before = await dump();
    await emptyEventTables();
    const args = [
      'replay',
      '--sink',
      'postgres',
      '--from',
      '1h',
      '--topic',
      f.topics.events,
      '--store',
      'st_a,st_b,st_c',
    ];
    const proc = spawnCli([...args, '--batch-size', '20', '--rate', '100'], env);
    await waitFor(async () => (await checkpointOf(f.topics.events, 'st_a')) > 0, {
      timeoutMs: 30_000,
      what: 'a checkpoint saved',
    });
    proc.child.kill('SIGINT');
    const stopped = await proc.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('CLI_INTERRUPTED');
    const saved = await checkpointOf(f.topics.events, 'st_a');
    expect(saved).toBeLessThan(events.length);
    // The checkpoint counts what is in the tables: every record before the saved positions.
    const { rows } = await f.pool.query<{ n: string }>('SELECT count(*) AS n FROM hq_inbox');
    expect(Number(rows[0]!.n)).toBe(saved);

    const resumed = await runCli([...args, '--json'], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming the replay');
    expect(await dump()).toEqual(before);
    const audit = await ops.query<{ outcome: string }>(
      `SELECT outcome FROM ops.audit_log WHERE command = 'replay' AND args->'store' ? 'st_a,st_b,st_c'
         AND args->'topic' ? $1 ORDER BY id`,
      [f.topics.events],
    );
    expect(audit.rows.map((r) => r.outcome)).toEqual(['interrupted', 'ok']);
  });

  /** Every table the events fill (not kpi_windows: the KPI topic is not in these replays). */
  async function emptyEventTables(): Promise<void> {
    const tables = Object.keys(TABLES).filter((t) => t !== 'kpi_windows');
    await f.pool.query(`TRUNCATE ${tables.join(', ')}`);
  }

  /** Records the checkpoint of the replay on `topic` (and store filter) says are written. */
  async function checkpointOf(topic: string, store?: string): Promise<number> {
    const { rows } = await ops.query<{ matched: string | null }>(
      `SELECT counts->>'matched' AS matched FROM ops.replay_checkpoints
        WHERE command->'topics' ? $1 AND ($2::text IS NULL OR command->'stores' ? $2) AND completed_at IS NULL
        ORDER BY updated_at DESC LIMIT 1`,
      [topic, store ?? null],
    );
    return Number(rows[0]?.matched ?? 0);
  }
});
