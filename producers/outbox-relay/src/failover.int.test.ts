import { waitFor } from '@retail-stream/runtime/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { checkDelivery } from '../test/delivery-check.ts';
import {
  decodeAll,
  insertOutbox,
  publishedState,
  RelayProcess,
  testRelayEnv,
  TopicCollector,
} from '../test/harness.ts';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { useRelaySuite } from '../test/relay-suite.ts';

/** main.ts as real processes: kill -9 mid-batch, restarts, two instances on one store. */
const { serde, cleanup, setup, allMarked } = useRelaySuite();

function spawnRelay(env: Record<string, string>, name: string): RelayProcess {
  const p = new RelayProcess({ ...env, LOG_LEVEL: 'info' }, name);
  cleanup.push(() => p.stop());
  return p;
}

async function seqsIn(collector: TopicCollector): Promise<number[]> {
  return (await decodeAll(serde, collector.messages)).map((e) => e.store_seq);
}

describe('relay crash and failover (child processes)', () => {
  it('kill -9 after Kafka acknowledged a batch but before it was marked: the restart re-sends exactly that tail, in order', async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(1_500);
    await insertOutbox(db.pool, events);

    // Hold the cursor row so the relay's "mark published" statement waits after the broker's ack:
    // the kill then lands deterministically between acknowledgement and marking.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    cleanup.push(() => blocker.end());
    await blocker.query(
      `INSERT INTO sync_cursors (store_id, destination, last_published_seq) VALUES ($1, 'kafka', 0)`,
      [db.storeId],
    );
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM sync_cursors WHERE store_id = $1 FOR UPDATE`, [db.storeId]);

    const env = testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '500' });
    const first = spawnRelay(env, 'first');
    await collector.waitForCount(500);
    const waitingMark = async () =>
      (
        await db.pool.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'outbox-relay' AND wait_event_type = 'Lock'`,
        )
      ).rows as { pid: number }[];
    await waitFor(async () => (await waitingMark()).length > 0, {
      what: 'the relay waiting to mark its first batch',
    });

    first.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal, no exit code
    // Its statement would still complete once the lock is free; end the orphaned backend first.
    for (const { pid } of await waitingMark()) await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(async () => (await waitingMark()).length === 0, { what: 'orphaned backend gone' });
    await blocker.query('ROLLBACK');
    expect(await publishedState(db.pool, db.storeId)).toMatchObject({ published: 0, cursor: 0 });
    // Acknowledged but unmarked: the batch whose mark was blocked, and at most the one published
    // while that mark was pending (the pipeline never lets a second mark start before the first).
    await collector.settled();
    const atKill = collector.messages.length;
    expect([500, 1_000]).toContain(atKill);

    spawnRelay(env, 'second');
    await collector.waitForCount(events.length + atKill);
    await allMarked(db);
    const report = checkDelivery(await seqsIn(collector), events.length);
    expect(report).toMatchObject({
      ok: true,
      duplicates: atKill,
      resends: [{ index: atKill, fromSeq: 1, repeated: atKill }],
    });
    expect(await decodeAll(serde, collector.messages.slice(atKill))).toEqual(events);
  });

  it('kill -9 at arbitrary moments, three times: every event at least once, in order, duplicates only as re-sent tails', async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(12_000);
    await insertOutbox(db.pool, events);
    const env = testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '400' });

    for (const [i, threshold] of [2_000, 5_000, 8_000].entries()) {
      const p = spawnRelay(env, `victim-${i}`);
      // A stall names the relay and shows its last output, not only vitest's test timeout.
      await waitFor(() => collector.messages.length >= threshold, {
        what: `${threshold} records`,
        timeoutMs: 60_000,
      }).catch((err: unknown) => {
        throw new Error(
          `${(err as Error).message}; ${collector.messages.length} seen; victim-${i}:\n${p.output.slice(-3_000)}`,
        );
      });
      p.kill('SIGKILL');
      await p.exited;
    }
    const survivor = spawnRelay(env, 'survivor');
    await allMarked(db, 'all marked', 60_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; survivor:\n${survivor.output.slice(-3_000)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const report = checkDelivery(await seqsIn(collector), events.length);
    expect(report.problems).toEqual([]);
    // Each kill re-sends at most what it had acknowledged but not marked: two batches.
    expect(report.resends.length).toBeLessThanOrEqual(3);
    expect(report.duplicates).toBeLessThanOrEqual(3 * 2 * 400);
    // Four relay processes start one after another (15-16 s alone, ~35 s under the full suite's
    // load): the budget covers the waits above instead of cutting them off at the default 60 s.
  }, 180_000);

  it('two relays on one store: one publishes, the other stands by and takes over when the first is killed', async () => {
    const { db, topic, collector } = await setup();
    const factory = new StoreEventFactory(db.storeId);
    const env = testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '200' });
    const a = spawnRelay(env, 'a');
    const b = spawnRelay(env, 'b');

    // The store keeps selling through the whole test.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await insertOutbox(db.pool, factory.mixed(40));
        written += 40;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    cleanup.push(async () => {
      writing = false;
      await writer;
    });

    const acquired = (p: RelayProcess) => p.hasLog('store lease acquired; publishing');
    await waitFor(() => acquired(a) || acquired(b), { what: 'one relay holding the lease' });
    const [active, standby] = acquired(a) ? [a, b] : [b, a];
    await standby.waitForLog('another relay holds the store lease; standing by');
    expect(acquired(standby)).toBe(false);

    await waitFor(() => collector.messages.length >= 1_000, {
      what: 'publishing under way',
      timeoutMs: 60_000,
    });
    expect(acquired(standby)).toBe(false); // never two publishers at once
    active.kill('SIGKILL');
    await active.exited;
    await standby.waitForLog('store lease acquired; publishing', 15_000);

    const seen = collector.messages.length;
    await waitFor(() => collector.messages.length >= seen + 1_000, {
      what: 'the standby publishing',
      timeoutMs: 60_000,
    });
    writing = false;
    await writer;
    await allMarked(db, 'all marked', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const report = checkDelivery(await seqsIn(collector), written);
    expect(report.problems).toEqual([]);
    // Only what the killed relay had not marked (at most two batches) may appear twice.
    expect(report.resends.length).toBeLessThanOrEqual(1);
    expect(report.duplicates).toBeLessThanOrEqual(2 * 200);
  });
});
