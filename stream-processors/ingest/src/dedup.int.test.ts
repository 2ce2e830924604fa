import { decodeAll, waitFor, type TopicCollector } from '@retail-stream/runtime/testing';
import type { SequenceGapDetected, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { seededRandom } from '@retail-stream/runtime';
import type { Message } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { metricValue, posMessage, type RunningProcessor } from '../test/ingest-harness.ts';
import { useIngestTestBed } from '../test/fixture.ts';

const bed = useIngestTestBed({ INGEST_GAP_ALERT_AFTER_MS: '800' });
const { config, serde } = bed;
let running: RunningProcessor | undefined;
let enriched: TopicCollector;

describe('ingest processor: deduplication and gaps', () => {
  it('forwards each event exactly once when 10% of the records are re-sent, and counts the duplicates', async () => {
    const ids = await bed.prepare(3);
    const random = seededRandom(7);
    const events = Array.from({ length: 20 }, (_, i) =>
      new StoreEventFactory(`d${i}`, seededRandom(i)).mixed(100),
    );
    const records: Message[] = [];
    const sent: Message[] = [];
    let resent = 0;
    // Interleave the stores; now and then re-send a record that was already sent (a relay retry).
    for (let i = 0; i < 100; i++) {
      for (const store of events) {
        const m = posMessage(serde, ids, store[i]!);
        records.push(m);
        sent.push(m);
        if (random() < 0.1) {
          records.push(sent[Math.floor(random() * sent.length)]!);
          resent++;
        }
      }
    }
    running = await bed.start();
    enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-d');
    await (await bed.feed()).send(config.INGEST_INPUT_TOPIC, records);

    await enriched.waitForCount(2_000);
    await enriched.settled(1_500);
    const out = await decodeAll<StoreEvent>(serde, enriched.messages);
    expect(out).toHaveLength(2_000);
    expect(new Set(out.map((e) => e.event_id)).size).toBe(2_000);
    for (const [i, store] of events.entries()) {
      const seqs = out.filter((e) => e.store_id === `d${i}`).map((e) => e.store_seq);
      expect(seqs).toEqual(store.map((e) => e.store_seq));
    }
    expect(resent).toBeGreaterThan(100);
    expect(await metricValue(running.metrics, 'retail_ingest_duplicates_total')).toBe(resent);
    expect(await metricValue(running.metrics, 'retail_ingest_records_total', { outcome: 'duplicate' })).toBe(
      resent,
    );
  });

  it('forwards past a gap, raises an OPEN alert and the gauge when it ages, and CLOSED when it fills', async () => {
    const ids = await bed.prepare(3);
    const alerts = await bed.collect(config.INGEST_ALERTS_TOPIC, 'ingest-it-a');
    const feed = await bed.feed();
    const before = enriched.messages.length;
    const [e1, e2, e3, e4, e5, e6] = new StoreEventFactory('gap1').mixed(6) as [
      StoreEvent,
      StoreEvent,
      StoreEvent,
      StoreEvent,
      StoreEvent,
      StoreEvent,
    ];
    const send = (...es: StoreEvent[]) =>
      feed.send(
        config.INGEST_INPUT_TOPIC,
        es.map((e) => posMessage(serde, ids, e)),
      );
    await send(e1, e2, e5);
    await enriched.waitForCount(before + 3);
    await sleep(1_000);
    // The next batch of the partition ages the gap (3..4 missing since > 800 ms).
    await send(e6);
    const [open] = await waitFor(async () => {
      const got = await decodeAll<SequenceGapDetected>(serde, alerts.messages);
      return got.length >= 1 ? got : undefined;
    });
    expect(open).toMatchObject({
      store_id: 'gap1',
      status: 'OPEN',
      first_missing_seq: 3,
      last_missing_seq: 4,
    });
    expect(await metricValue(running!.metrics, 'retail_ingest_sequence_gaps_open')).toBe(1);
    await send(e3, e4, e2);
    const all = await waitFor(async () => {
      const got = await decodeAll<SequenceGapDetected>(serde, alerts.messages);
      return got.length >= 2 ? got : undefined;
    });
    expect(all[1]).toMatchObject({
      store_id: 'gap1',
      status: 'CLOSED',
      first_missing_seq: 3,
      last_missing_seq: 4,
    });
    await enriched.waitForCount(before + 6);
    await enriched.settled(1_000);
    const gapEvents = (await decodeAll<StoreEvent>(serde, enriched.messages)).filter(
      (e) => e.store_id === 'gap1',
    );
    expect(gapEvents.map((e) => e.store_seq)).toEqual([1, 2, 5, 6, 3, 4]);
    expect(await metricValue(running!.metrics, 'retail_ingest_sequence_gaps_open')).toBe(0);
  });
});
