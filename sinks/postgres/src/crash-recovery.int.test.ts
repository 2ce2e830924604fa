import { waitFor, type ServiceProcess } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTables, expectedCounts, spawnSink, topicEnv } from '../test/harness.ts';
import { usePgSinkFixture } from '../test/fixture.ts';
import { additiveTotals, expectedTotals, interleave, storeLoad } from '../test/store-load.ts';

/**
 * kill -9 of the real sink process while it is writing, twice, then a restart: every event must be
 * applied exactly once (row counts per table and the sums a double application would inflate).
 */
describe('postgres sink: SIGKILL mid-batch', () => {
  const hq = usePgSinkFixture({ schemaPrefix: 'hq_crash', topicPrefix: 'pgsink-crash', eventPartitions: 4 });
  const running: ServiceProcess[] = [];
  let events: StoreEvent[] = [];

  beforeAll(async () => {
    events = interleave(storeLoad('crash_store', 20, 1_000, 300), 50);
    await hq.producer.send(hq.topics.events, events.map(hq.encoder.event));
  }, 120_000);

  afterAll(() => {
    for (const s of running) s.child.kill('SIGKILL');
  });

  it('loses nothing and applies nothing twice', async () => {
    const env = {
      ...topicEnv(hq.schema, hq.topics),
      SINK_GROUP_ID: hq.group('group'),
      // Small batches, so a kill lands between and inside many transactions.
      SINK_MAX_BYTES_PER_PARTITION: '262144',
      KAFKA_REQUEST_TIMEOUT_MS: '10000',
      // The killed member's partitions are reassigned once its session expires.
      SINK_SESSION_TIMEOUT_MS: '6000',
    };
    const inbox = async () => (await countTables(hq.pool)).hq_inbox;
    const killed: number[] = [];
    for (const threshold of [2_000, 8_000]) {
      const sink = spawnSink(env);
      running.push(sink);
      await waitFor(async () => (await inbox()) >= threshold, {
        timeoutMs: 45_000,
        intervalMs: 20,
        what: `sink to pass ${threshold} events (${sink.output.slice(-400)})`,
      });
      sink.child.kill('SIGKILL');
      await sink.exited;
      killed.push(await inbox());
    }
    expect(killed[1]).toBeLessThan(events.length);

    const last = spawnSink(env);
    running.push(last);
    await waitFor(async () => (await inbox()) === events.length, {
      timeoutMs: 45_000,
      intervalMs: 250,
      what: `all ${events.length} events (${last.output.slice(-400)})`,
    });
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    expect(await countTables(hq.pool)).toEqual({ ...expectedCounts(events), kpi_windows: 0 });
    expect(await additiveTotals(hq.pool)).toEqual(expectedTotals(events));
  }, 150_000);
});
