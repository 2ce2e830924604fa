import { seededRandom } from '@retail-stream/runtime';
import { waitFor } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedProjections } from '../test/expected-projections.ts';
import { enrich, SinkProcess } from '../test/harness.ts';
import { useSinkTestBed } from '../test/fixture.ts';

/** Guarantee 4 through a crash: kill -9 mid-batch, restart, and the projections are exact. */
describe('cassandra sink: kill -9 mid-stream (real Kafka + Cassandra, sink as a child process)', () => {
  const bed = useSinkTestBed(2);
  let child: SinkProcess | undefined;
  beforeAll(async () => {});
  afterAll(async () => {
    await child?.stop();
  });

  it('loses nothing and applies nothing twice after a SIGKILL and a restart', async () => {
    const stores = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const events = stores
      .flatMap((s, i) => new StoreEventFactory(s, seededRandom(500 + i)).mixed(800))
      .map((e) => enrich(e));
    await bed.produce(events);
    const expected = expectedProjections(events);
    // Small fetches: many consumed batches, so the kill lands between writes and commits.
    const env = bed.sinkEnv({
      SINK_MAX_BYTES_PER_PARTITION: '65536',
      // The killed member's partitions move on after this (the broker's minimum).
      SINK_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    });

    child = new SinkProcess(env);
    const countRows = async () =>
      Number(
        (await bed.client.execute(`SELECT count(*) FROM ${bed.keyspace}.transaction_by_id_and_store`))
          .first()
          ?.get(0) ?? 0,
      );
    await waitFor(async () => (await countRows()) > 300, {
      timeoutMs: 40_000,
      what: `the first rows (sink output: ${child.output.slice(-500)})`,
    });
    await child.kill9();
    const before = await countRows();
    expect(before).toBeLessThan(expected.transactions.size);

    child = new SinkProcess(env);
    await bed.waitCaughtUp(60_000);
    expect(await child.stop()).toBe(0);
    expect(await bed.mismatches(expected, stores)).toEqual([]);
  });
});
