import {
  readDeadLetter,
  seededRandom,
  STORE_EPOCH_HEADER,
  storeEpochDecisionValue,
  type AvroSerde,
} from '@retail-stream/runtime';
import { decodeAll, signedByStores, type Received } from '@retail-stream/runtime/testing';
import { posEventRecord, type SequenceGapDetected, type StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useIngestTestBed } from '../test/fixture.ts';
import { metricValue, type RunningProcessor } from '../test/ingest-harness.ts';
import { parseState } from './store-epoch-state.ts';

// Security tests of item 3 (sequence safety): each performs the attack against the real processor
// and real Kafka, and asserts the refusal and that the store's real events were not harmed.
const bed = useIngestTestBed({ INGEST_DEDUP_WINDOW: '1000' });
const { config, serde } = bed;
let running: RunningProcessor;
let ids: Record<string, number>;

/** The relay's record for `event`, with the store database's epoch header when given, signed. */
function record(s: AvroSerde, event: StoreEvent, epoch?: string): Message {
  const r = posEventRecord(s, (t) => ids[t], event);
  const headers = { ...r.headers, ...(epoch === undefined ? {} : { [STORE_EPOCH_HEADER]: epoch }) };
  return signedByStores([{ key: r.key, value: r.value, headers }])[0]!;
}
const replay = (m: Received): Message => ({ key: m.key, value: m.value, headers: stripDlq(m.headers) });
const stripDlq = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith('dlq.')));

async function storeEvents(collected: Received[], storeId: string): Promise<StoreEvent[]> {
  return (await decodeAll<StoreEvent>(serde, collected)).filter((e) => e.store_id === storeId);
}

describe('ingest: sequence safety (forged high store_seq, rebuilt store database)', () => {
  it('dead-letters a forged store_seq of 1,000,000 (held, alerted, counted); the real events still arrive', async () => {
    ids = await bed.prepare(3);
    running = await bed.start();
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'seq-it-e');
    const dlq = await bed.collect(config.INGEST_DLQ_TOPIC, 'seq-it-d');
    const alerts = await bed.collect(config.INGEST_ALERTS_TOPIC, 'seq-it-a');
    const feed = await bed.feed();
    const events = new StoreEventFactory('fs1').mixed(11);
    const forged = { ...events[10]!, store_seq: 1_000_000 } as StoreEvent;
    const epoch = randomUUID();

    await feed.send(config.INGEST_INPUT_TOPIC, [
      ...events.slice(0, 3).map((e) => record(serde, e, epoch)),
      record(serde, forged, epoch),
    ]);
    await dlq.waitForCount(1);
    await feed.send(
      config.INGEST_INPUT_TOPIC,
      events.slice(3, 10).map((e) => record(serde, e, epoch)),
    );

    // The real events 1..10 all arrive, in order, once: the forged sequence moved nothing.
    await enriched.waitForCount(10);
    await enriched.settled(1_500);
    expect((await storeEvents(enriched.messages, 'fs1')).map((e) => e.store_seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(dlq.messages).toHaveLength(1);
    expect(readDeadLetter(dlq.messages[0]!.headers)).toMatchObject({ code: 'SEQUENCE_OUT_OF_WINDOW' });
    expect((await decodeAll<StoreEvent>(serde, dlq.messages))[0]).toMatchObject({ store_seq: 1_000_000 });
    await alerts.waitForCount(1);
    const held = (await decodeAll<SequenceGapDetected>(serde, alerts.messages)).filter(
      (a) => a.status === 'HELD',
    );
    expect(held).toEqual([
      expect.objectContaining({ store_id: 'fs1', first_missing_seq: 4, highest_seen_seq: 1_000_000 }),
    ]);
    const metrics = running.metrics;
    expect(
      await metricValue(metrics, 'retail_ingest_records_held_total', { code: 'SEQUENCE_OUT_OF_WINDOW' }),
    ).toBe(1);
    expect(await metricValue(metrics, 'retail_ingest_duplicates_total')).toBe(0);

    // Redriven later, it is still held: a forged record never becomes placeable by itself.
    await feed.send(config.INGEST_INPUT_TOPIC, [replay(dlq.messages[0]!)]);
    await dlq.waitForCount(2);
    expect(readDeadLetter(dlq.messages[1]!.headers)).toMatchObject({ code: 'SEQUENCE_OUT_OF_WINDOW' });
    await enriched.settled(1_000);
    expect(await storeEvents(enriched.messages, 'fs1')).toHaveLength(10);
  });

  it('holds a rebuilt store database (new epoch from store_seq 1) until started, then takes it once; the old epoch is refused', async () => {
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'seq-it-e2');
    const dlq = await bed.collect(config.INGEST_DLQ_TOPIC, 'seq-it-d2');
    const state = await bed.collect(config.INGEST_STATE_TOPIC, 'seq-it-s2');
    const feed = await bed.feed();
    const oldEpoch = randomUUID();
    const newEpoch = randomUUID();
    const before = new StoreEventFactory('rb1', seededRandom(1)).mixed(6);
    // The rebuilt database sells again from store_seq 1 (new event ids, same store).
    const after = new StoreEventFactory('rb1', seededRandom(2)).mixed(4);

    await feed.send(
      config.INGEST_INPUT_TOPIC,
      before.map((e) => record(serde, e, oldEpoch)),
    );
    await enriched.waitForKey('rb1', 6);
    await feed.send(
      config.INGEST_INPUT_TOPIC,
      after.map((e) => record(serde, e, newEpoch)),
    );
    await dlq.waitForKey('rb1', 4);
    await enriched.settled(1_000);
    // Held, not dropped as duplicates of the old epoch's 1..4, and nothing forwarded.
    expect(dlq.of('rb1').map((m) => readDeadLetter(m.headers)?.code)).toEqual(
      Array(4).fill('STORE_EPOCH_UNAPPROVED'),
    );
    expect(await storeEvents(enriched.messages, 'rb1')).toHaveLength(6);
    expect(await metricValue(running.metrics, 'retail_ingest_duplicates_total')).toBe(0);

    // The operator's decision (what `retail store epoch --start` publishes; its own test runs the CLI).
    await feed.send(config.INGEST_STORE_EPOCHS_TOPIC, [
      {
        key: 'rb1',
        value: storeEpochDecisionValue({
          store_id: 'rb1',
          epoch: newEpoch,
          started_at: Date.now(),
          actor: 'seq-it',
          reason: 'rebuilt in test',
          audit_id: '1',
        }),
      },
    ]);
    // Redrive: the held records go back to the raw topic as they were.
    await feed.send(config.INGEST_INPUT_TOPIC, dlq.of('rb1').map(replay));
    await enriched.waitForKey('rb1', 10);
    const got = await storeEvents(enriched.messages, 'rb1');
    expect(got.map((e) => e.event_id)).toEqual([...before, ...after].map((e) => e.event_id));

    // A record of the old epoch after the switch (a stale relay) is refused, and changes nothing.
    const stale = new StoreEventFactory('rb1', seededRandom(3), 7).mixed(1)[0]!;
    await feed.send(config.INGEST_INPUT_TOPIC, [record(serde, stale, oldEpoch), replay(dlq.of('rb1')[0]!)]);
    await dlq.waitForKey('rb1', 5);
    expect(readDeadLetter(dlq.of('rb1')[4]!.headers)).toMatchObject({ code: 'STORE_EPOCH_RETIRED' });
    await enriched.settled(1_500);
    expect(await storeEvents(enriched.messages, 'rb1')).toHaveLength(10);
    // The held record redriven twice is a duplicate of its own epoch now, not a second copy.
    expect(await metricValue(running.metrics, 'retail_ingest_duplicates_total')).toBe(1);
    const last = parseState(state.of('rb1').at(-1)!.value.toString());
    expect(last).toMatchObject({ epoch: newEpoch, retired: [oldEpoch], seq: { contiguous: 4 } });
  });

  it('a store whose relay is upgraded (headerless, then its database epoch) continues; headerless records are refused after', async () => {
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'seq-it-e3');
    const dlq = await bed.collect(config.INGEST_DLQ_TOPIC, 'seq-it-d3');
    const feed = await bed.feed();
    const events = new StoreEventFactory('lg1', seededRandom(21)).mixed(7);
    const epoch = randomUUID();
    await feed.send(
      config.INGEST_INPUT_TOPIC,
      events.slice(0, 3).map((e) => record(serde, e)),
    );
    await enriched.waitForKey('lg1', 3);
    await feed.send(
      config.INGEST_INPUT_TOPIC,
      events.slice(3, 6).map((e) => record(serde, e, epoch)),
    );
    await enriched.waitForKey('lg1', 6);
    await feed.send(config.INGEST_INPUT_TOPIC, [record(serde, events[6]!)]);
    await dlq.waitForKey('lg1', 1);
    expect(readDeadLetter(dlq.of('lg1')[0]!.headers)).toMatchObject({ code: 'STORE_EPOCH_RETIRED' });
    await enriched.settled(1_000);
    expect((await storeEvents(enriched.messages, 'lg1')).map((e) => e.store_seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
