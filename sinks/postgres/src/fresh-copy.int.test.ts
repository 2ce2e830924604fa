import { seededRandom } from '@retail-stream/runtime';
import { Teardowns } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStoreEvents, inTransaction } from './batch-writer.ts';
import type { SourcedEvent } from './event-rows.ts';
import { dumpTables, enrich, testHqSchema } from '../test/harness.ts';

const sourcedFrom = (events: StoreEvent[], first = 0): SourcedEvent[] =>
  events.map((event, i) => ({ event, partition: 0, offset: String(first + i) }));

/**
 * The fresh path (fresh-copy.ts) must give exactly what the inbox-and-merge path gives. Two real
 * schemas get the same batches: one through COPY (fresh path first), one through UNNEST (always the
 * merged path); after each batch their tables must be identical, and the COPY side must have taken
 * the path each case is about.
 */
describe('postgres sink: fresh batches COPYed straight in, other batches merged', () => {
  const teardowns = new Teardowns();
  let copy: pg.Pool;
  let reference: pg.Pool;
  const f = new StoreEventFactory('fresh_store', seededRandom(11));
  const first = [...f.oneOfEach(), ...f.mixed(60)].map((e) => enrich(e));
  let offset = 0;

  async function applyBoth(events: StoreEvent[]) {
    const batch = sourcedFrom(events, offset);
    offset += events.length;
    const viaCopy = await inTransaction(copy, (c) => applyStoreEvents(c, batch, 'copy'));
    const viaUnnest = await inTransaction(reference, (c) => applyStoreEvents(c, batch, 'unnest'));
    expect(await dumpTables(copy, { withoutProcessingTime: true })).toEqual(
      await dumpTables(reference, { withoutProcessingTime: true }),
    );
    expect({ applied: viaCopy.applied, duplicates: viaCopy.duplicates }).toEqual({
      applied: viaUnnest.applied,
      duplicates: viaUnnest.duplicates,
    });
    return viaCopy;
  }

  beforeAll(async () => {
    copy = teardowns.add(await testHqSchema('hq_fresh_copy'), (s) => s.drop()).pool;
    reference = teardowns.add(await testHqSchema('hq_fresh_ref'), (s) => s.drop()).pool;
  });
  afterAll(() => teardowns.run());

  it('a batch of new events takes the fresh path and writes what the merges write', async () => {
    const result = await applyBoth(first);
    expect(result.path).toBe('fresh');
    expect(result.applied).toBe(first.length);
    expect(result.rows.hq_inbox).toBe(first.length);
    const lines = first.flatMap((e) => (e.event_type === 'SaleRecorded' ? e.lines : []));
    expect(result.rows.hq_line_items).toBe(lines.length);
  });

  it('a redelivered batch falls back to the merged path and changes nothing', async () => {
    const before = await dumpTables(copy);
    const result = await applyBoth(first);
    expect(result).toMatchObject({ path: 'merged', applied: 0, duplicates: first.length });
    expect(await dumpTables(copy)).toEqual(before);
  });

  it('a batch mixing new and redelivered events applies only the new ones', async () => {
    const more = f.mixed(30).map((e) => enrich(e));
    const result = await applyBoth([...first.slice(0, 10), ...more]);
    expect(result).toMatchObject({ path: 'merged', applied: more.length, duplicates: 10 });
  });

  it('a new event naming rows another event wrote keeps the first rows (DO NOTHING), as merged', async () => {
    const sale = enrich(f.sale(4));
    await applyBoth([sale]);
    // The same sale recorded again under a new event id: its lines' keys are taken.
    const again = {
      ...sale,
      event_id: `${sale.event_id.slice(0, -4)}beef`,
      store_seq: sale.store_seq + 1000,
    };
    const result = await applyBoth([again, enrich(f.adjustment())]);
    expect(result).toMatchObject({ path: 'merged', applied: 2, duplicates: 0 });
    const { rows } = await copy.query<{ n: string }>(
      'SELECT count(*) AS n FROM hq_line_items WHERE store_id = $1 AND transaction_id = $2',
      [sale.store_id, sale.transaction_id],
    );
    expect(Number(rows[0]!.n)).toBe(4);
  });

  it('an event being recorded by a concurrent transaction waits for it, then is a duplicate', async () => {
    const events = f.mixed(20).map((e) => enrich(e));
    const batch = sourcedFrom(events, 10_000);
    const holder = await copy.connect();
    const waiter = await copy.connect();
    try {
      await holder.query('BEGIN');
      expect((await applyStoreEvents(holder, batch, 'copy')).path).toBe('fresh');
      const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await waiter.query('BEGIN');
      const second = applyStoreEvents(waiter, batch, 'copy');
      // Drive the interleaving: the second COPY must be blocked on the first's inbox rows.
      for (let i = 0; ; i++) {
        const { rows } = await copy.query<{ wait: string | null }>(
          'SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1',
          [waiterPid],
        );
        if (rows[0]?.wait === 'Lock') break;
        if (i > 200) throw new Error('the second transaction never waited on the first');
        await new Promise((r) => setTimeout(r, 25));
      }
      await holder.query('COMMIT');
      const result = await second;
      await waiter.query('COMMIT');
      expect(result).toMatchObject({ path: 'merged', applied: 0, duplicates: events.length });
      const { rows } = await copy.query<{ n: string }>(
        'SELECT count(*) AS n FROM hq_inbox WHERE event_id = ANY($1::text[])',
        [events.map((e) => e.event_id)],
      );
      expect(Number(rows[0]!.n)).toBe(events.length);
    } finally {
      holder.release();
      waiter.release();
    }
  });
});
