import { readDeadLetter } from '@retail-stream/runtime';
import { decodeAll, signedByStores } from '@retail-stream/runtime/testing';
import type { SaleRecorded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricValue, posMessage, rawRecord } from '../test/ingest-harness.ts';
import { useIngestTestBed } from '../test/fixture.ts';

const bed = useIngestTestBed({ INGEST_MAX_FUTURE_SKEW_MS: '60000' });
const { config, serde } = bed;

describe('ingest processor: poison records', () => {
  let ids: Record<string, number>;
  beforeAll(async () => {
    ids = await bed.prepare(1);
  });

  it('dead-letters every kind of poison with its code and source, while good records flow in order', async () => {
    const good = new StoreEventFactory('s001').mixed(60);
    const bad = new StoreEventFactory('sbad');
    const sale = (): SaleRecorded => bad.sale(3);
    const breakSale = (f: (s: SaleRecorded) => SaleRecorded) => {
      const s = f(sale());
      return rawRecord(serde, ids, 'SaleRecorded', s.store_id, s);
    };
    const poisons: { code: string; message: RegExp; record: Message }[] = [
      {
        code: 'NOT_WIRE_FORMAT',
        message: /wire format/,
        record: { key: 's001', value: Buffer.from('{"json":1}') },
      },
      {
        code: 'UNKNOWN_SCHEMA_ID',
        message: /not in the registry/,
        record: { key: 's001', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 2, 4]) },
      },
      {
        code: 'UNDECODABLE',
        message: /cannot decode/,
        record: {
          key: 's001',
          value: Buffer.concat([Buffer.from([0]), int32(ids.SaleRecorded!), Buffer.from([0xff, 0xff, 0xff])]),
        },
      },
      {
        code: 'UNKNOWN_EVENT_TYPE',
        message: /StoreUpserted, not a store event/,
        record: rawRecord(serde, ids, 'StoreUpserted', 's001', {
          store_id: 's001',
          name: 'n',
          region: 'r',
          timezone: 'UTC',
          currency: 'VND',
          updated_at: 1,
        }),
      },
      {
        code: 'BUSINESS_INVALID',
        message: /quantity: must be > 0/,
        record: breakSale((s) => ({ ...s, lines: s.lines.map((l, i) => (i ? l : { ...l, quantity: 0 })) })),
      },
      {
        code: 'BUSINESS_INVALID',
        message: /sum of line totals/,
        record: breakSale((s) => ({ ...s, total_minor: s.total_minor + 100 })),
      },
      {
        code: 'BUSINESS_INVALID',
        message: /not an ISO 4217 code/,
        record: breakSale((s) => ({ ...s, currency: 'dong' })),
      },
      {
        code: 'BUSINESS_INVALID',
        message: /in the future/,
        record: breakSale((s) => ({ ...s, occurred_at: Date.now() + 3_600_000 })),
      },
      {
        code: 'BUSINESS_INVALID',
        message: /store_id: must not be empty/,
        record: { ...breakSale((s) => ({ ...s, store_id: '' })), key: '' },
      },
      {
        code: 'BUSINESS_INVALID',
        message: /differs from the record key "s001"/,
        record: { ...breakSale((s) => s), key: 's001' },
      },
    ];
    // Interleave: a poison after every few good records, all on one partition.
    const records: Message[] = [];
    const expectedDead: { code: string; message: RegExp; value: Buffer | null }[] = [];
    good.forEach((e: StoreEvent, i) => {
      records.push(posMessage(serde, ids, e));
      const p = poisons[i / 5];
      if (i % 5 === 0 && p) {
        records.push(p.record);
        expectedDead.push({ code: p.code, message: p.message, value: p.record.value as Buffer });
      }
    });
    expect(expectedDead).toHaveLength(poisons.length);

    // Poison from a provisioned store: signed, so each reaches the check it is meant to fail.
    await (await bed.feed()).send(config.INGEST_INPUT_TOPIC, signedByStores(records));
    const running = await bed.start();
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-enr');
    const dlq = await bed.collect(config.INGEST_DLQ_TOPIC, 'ingest-it-dlq');

    await enriched.waitForCount(good.length);
    await dlq.waitForCount(poisons.length);
    await enriched.settled(1_000);

    const out = await decodeAll<StoreEvent>(serde, enriched.messages);
    expect(out.map((e) => e.event_id)).toEqual(good.map((e) => e.event_id));
    expect(out.every((e) => e.enrichment !== null && e.enrichment.store_known === false)).toBe(true);
    expect(enriched.messages.every((m) => m.key === 's001' && m.headers.event_id !== undefined)).toBe(true);

    expect(dlq.messages).toHaveLength(poisons.length);
    // The DLQ has several partitions (keyed like the input): order by source offset to compare.
    const offsetOf = (m: (typeof dlq.messages)[number]) => Number(readDeadLetter(m.headers)!.sourceOffset);
    const dead = [...dlq.messages].sort((a, b) => offsetOf(a) - offsetOf(b));
    expect(new Set(dead.map(offsetOf)).size).toBe(poisons.length);
    dead.forEach((m, i) => {
      const info = readDeadLetter(m.headers)!;
      expect(info.code, info.message).toBe(expectedDead[i]!.code);
      expect(info.message).toMatch(expectedDead[i]!.message);
      expect(info.sourceTopic).toBe(config.INGEST_INPUT_TOPIC);
      expect(info.processor).toBe('ingest-processor');
      expect(m.value.equals(expectedDead[i]!.value!)).toBe(true);
    });
    expect(
      await metricValue(running.metrics, 'retail_ingest_records_total', { outcome: 'dead_lettered' }),
    ).toBe(poisons.length);
    expect(await metricValue(running.metrics, 'retail_ingest_records_total', { outcome: 'forwarded' })).toBe(
      good.length,
    );
    expect(
      await metricValue(running.metrics, 'retail_ingest_dead_letters_total', { code: 'BUSINESS_INVALID' }),
    ).toBe(6);
    expect(running.fatal).toEqual([]);
  });
});

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
