import { readDeadLetter } from '@retail-stream/runtime';
import { decodeAll } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useIngestTestBed } from '../test/fixture.ts';
import { metricValue, posMessage } from '../test/ingest-harness.ts';
import { receiptAtCost, saleWithLine } from '../test/out-of-bounds-events.ts';

const DAY = 86_400_000;
// A one-day limit shows the setting is read; the default (30 days) is in config.ts.
const bed = useIngestTestBed({ INGEST_MAX_EVENT_AGE_MS: String(DAY) });
const { config, serde } = bed;

describe('ingest processor: bounded input and PII (issue 13, items 7-8)', () => {
  let ids: Record<string, number>;
  beforeAll(async () => {
    ids = await bed.prepare(1);
  });

  it('dead-letters negative prices, discounts and costs, too-old events and raw phone numbers; enriches only the rest', async () => {
    const good = new StoreEventFactory('bp_good').mixed(40);
    // Signed by their store like any relay record, and consistent (the business rules pass them):
    // only the bounds can catch them.
    const bad = new StoreEventFactory('bp_bad');
    const poisons: { code: string; message: RegExp; event: StoreEvent }[] = [
      {
        code: 'NEGATIVE_AMOUNT',
        message: /unit_price_minor|total_minor/,
        event: saleWithLine(bad, -5_000, 0),
      },
      {
        code: 'NEGATIVE_AMOUNT',
        message: /discount_minor: must be >= 0/,
        event: saleWithLine(bad, 5_000, -700),
      },
      {
        code: 'NEGATIVE_AMOUNT',
        message: /unit_cost_minor|total_cost_minor/,
        event: receiptAtCost(bad, -10),
      },
      {
        code: 'EVENT_TOO_OLD',
        message: /more than 86400000 ms old/,
        event: { ...bad.sale(), occurred_at: Date.now() - 2 * DAY },
      },
      {
        code: 'CUSTOMER_REF_NOT_PSEUDONYM',
        message: /looks like a phone/,
        event: { ...bad.sale(), customer_ref: '+84901234567' },
      },
      {
        code: 'CUSTOMER_REF_NOT_PSEUDONYM',
        message: /not a pseudonym/,
        event: { ...bad.sale(), customer_ref: '0901234567' },
      },
    ];
    const records: Message[] = [];
    good.forEach((e, i) => {
      records.push(posMessage(serde, ids, e));
      const p = poisons[i / 5];
      if (i % 5 === 0 && p) records.push(posMessage(serde, ids, p.event));
    });

    await (await bed.feed()).send(config.INGEST_INPUT_TOPIC, records);
    const running = await bed.start();
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-bp-enr');
    const dlq = await bed.collect(config.INGEST_DLQ_TOPIC, 'ingest-bp-dlq');
    await enriched.waitForCount(good.length);
    await dlq.waitForCount(poisons.length);
    await enriched.settled(1_000);

    // Nothing of the refused events reached the enriched topic: exactly the good ones, in order.
    const out = await decodeAll<StoreEvent>(serde, enriched.messages);
    expect(out.map((e) => e.event_id)).toEqual(good.map((e) => e.event_id));
    expect(out.some((e) => e.store_id === 'bp_bad')).toBe(false);

    expect(dlq.messages).toHaveLength(poisons.length);
    const byEvent = new Map(dlq.messages.map((m) => [m.headers.event_id, readDeadLetter(m.headers)!]));
    for (const p of poisons) {
      const info = byEvent.get(p.event.event_id);
      expect(info, p.code).toBeDefined();
      expect(info!.code).toBe(p.code);
      expect(info!.message).toMatch(p.message);
      // The dead letter's reason never repeats the phone number (the record itself is kept for forensics).
      expect(info!.message).not.toContain('901234567');
    }
    for (const code of ['NEGATIVE_AMOUNT', 'EVENT_TOO_OLD', 'CUSTOMER_REF_NOT_PSEUDONYM']) {
      expect(await metricValue(running.metrics, 'retail_ingest_dead_letters_total', { code })).toBe(
        poisons.filter((p) => p.code === code).length,
      );
    }
    expect(running.fatal).toEqual([]);
  });
});
