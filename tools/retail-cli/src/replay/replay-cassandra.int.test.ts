import { seededRandom } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedProjections } from '../../../../sinks/cassandra/test/expected-projections.ts';
import { useSinkTestBed } from '../../../../sinks/cassandra/test/fixture.ts';
import { enrich } from '../../../../sinks/cassandra/test/harness.ts';
import { cliEnv, ENDPOINTS, runCli } from '../../test/cli-harness.ts';
import type { ReplaySummary } from './run-replay.ts';

/**
 * retail replay into the Cassandra sink's projections (a keyspace of this file's): the same range
 * twice leaves identical projections that agree with the events; a stopped replay resumes exact.
 */
describe('retail replay --sink cassandra', () => {
  const bed = useSinkTestBed(2);
  const ops = new pg.Pool({ connectionString: ENDPOINTS.pgUrl, max: 1 });
  afterAll(async () => {
    await ops.query(`DELETE FROM ops.replay_checkpoints WHERE command::text LIKE '%' || $1 || '%'`, [
      bed.topic,
    ]);
    await ops.end();
  });

  it('the same range twice: identical projections; stopped and resumed: exact; dry run = written', async () => {
    const stores = ['cq_a', 'cq_b'];
    const events = stores
      .flatMap((s, i) => new StoreEventFactory(s, seededRandom(90 + i)).mixed(150))
      .map((e) => enrich(e));
    await bed.produce(events);
    const env = cliEnv(bed.sinkEnv());
    const replay = (...args: string[]) =>
      runCli(['replay', '--sink', 'cassandra', '--json', '--from', '1h', ...args], env);

    const stopped = await replay('--batch-size', '40', '--max-batches', '2');
    expect(stopped.code).toBe(130);
    const resumed = await replay('--batch-size', '40');
    expect(resumed.code).toBe(0);
    expect(resumed.json<ReplaySummary>().resumed).toBe(true);
    expect(await bed.mismatches(expectedProjections(events), stores)).toEqual([]);
    const once = await bed.snapshot();

    const dry = await replay('--dry-run');
    const again = await replay();
    expect(again.code).toBe(0);
    const s = again.json<ReplaySummary>();
    expect(s.written).toBe(events.length);
    const twice = await bed.snapshot();
    expect(twice.length).toBe(once.length);
    expect(twice).toEqual(once);
    expect(dry.json<ReplaySummary>().counts.byStore).toEqual(s.counts.byStore);
    expect(dry.json<ReplaySummary>().counts.byType).toEqual(s.counts.byType);
  });
});
