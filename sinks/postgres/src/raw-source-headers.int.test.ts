import { seededRandom } from '@retail-stream/runtime';
import { waitFor } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { enrich, spawnSink, topicEnv } from '../test/harness.ts';
import { usePgSinkFixture } from '../test/fixture.ts';

/**
 * hq_inbox.raw_* (where each event's raw record was, for `retail trace`) from both header shapes
 * ingest has written: one `ingest.source` header now, three `ingest.source.*` headers before. The
 * enriched topic keeps a week of the older ones, and replays re-read them.
 */
describe('postgres sink: the raw source of an enriched record, from either header shape', () => {
  const hq = usePgSinkFixture({ topicPrefix: 'pgsrc', eventPartitions: 1 });

  it('fills raw_partition, raw_offset and raw_at from ingest.source or the three older headers, and nothing from garbage', async () => {
    const f = new StoreEventFactory('src_store', seededRandom(41));
    const [compact, legacy, noTimestamp, garbage, none] = Array.from({ length: 5 }, () => enrich(f.sale(2)));
    const at = Date.UTC(2026, 11, 6, 9, 30, 0, 123);
    const record = (e: typeof compact, headers: Record<string, string>) => {
      const m = hq.encoder.event(e!);
      return { ...m, headers: { ...m.headers, ...headers } };
    };
    await hq.producer.send(hq.topics.events, [
      record(compact, { 'ingest.source': `4/9223372036854775806/${at}` }),
      record(legacy, {
        'ingest.source.partition': '2',
        'ingest.source.offset': '77',
        'ingest.source.timestamp': String(at),
      }),
      record(noTimestamp, { 'ingest.source': '0/5/' }),
      // An invalid compact value is not pieced together from legacy headers beside it.
      record(garbage, {
        'ingest.source': '1/x/1',
        'ingest.source.partition': '1',
        'ingest.source.offset': '1',
      }),
      record(none, {}),
    ]);

    const sink = spawnSink({ ...topicEnv(hq.schema, hq.topics), SINK_GROUP_ID: hq.group('a') });
    try {
      await waitFor(async () => (await hq.pool.query('SELECT 1 FROM hq_inbox')).rowCount === 5, {
        timeoutMs: 40_000,
        what: `5 events applied (${sink.output.slice(-500)})`,
      });
    } finally {
      sink.child.kill('SIGTERM');
      expect(await sink.exited).toBe(0);
    }
    const { rows } = await hq.pool.query<{
      event_id: string;
      raw_partition: number | null;
      raw_offset: string | null;
      raw_at: Date | null;
    }>('SELECT event_id, raw_partition, raw_offset::text AS raw_offset, raw_at FROM hq_inbox');
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    const raw = (e: typeof compact) => {
      const r = byId.get(e!.event_id)!;
      return { partition: r.raw_partition, offset: r.raw_offset, at: r.raw_at?.getTime() ?? null };
    };
    expect(raw(compact)).toEqual({ partition: 4, offset: '9223372036854775806', at });
    expect(raw(legacy)).toEqual({ partition: 2, offset: '77', at });
    expect(raw(noTimestamp)).toEqual({ partition: 0, offset: '5', at: null });
    expect(raw(garbage)).toEqual({ partition: null, offset: null, at: null });
    expect(raw(none)).toEqual({ partition: null, offset: null, at: null });
  }, 90_000);
});
