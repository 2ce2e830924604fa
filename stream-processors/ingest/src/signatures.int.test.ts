import {
  deriveStoreKey,
  readDeadLetter,
  STORE_HEADERS,
  withStoreSignature,
  type SigningKey,
} from '@retail-stream/runtime';
import { decodeAll, TEST_SIGNING_MASTER, TEST_SIGNING_MASTER_KEYS } from '@retail-stream/runtime/testing';
import type { SaleRecorded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { useIngestTestBed } from '../test/fixture.ts';
import { metricValue, posMessage } from '../test/ingest-harness.ts';

/** The rollover's new master key; v1 is the test kit's. */
const V2: SigningKey = { version: 'v2', key: Buffer.from('second-test-signing-master-key-for-rotation') };
const V2_SETTING = `v2:${V2.key.toString()}`;

const unsigned = (m: Message): Message => {
  const headers = { ...m.headers };
  delete headers[STORE_HEADERS.signature];
  return { ...m, headers };
};
const signedWith = (m: Message, master: SigningKey, storeId = m.key!.toString()) =>
  withStoreSignature(unsigned(m), deriveStoreKey(master, storeId));

describe('ingest processor: signed store events (both master keys valid, rollover)', () => {
  const bed = useIngestTestBed({ SIGNING_MASTER_KEYS: `${V2_SETTING},${TEST_SIGNING_MASTER_KEYS}` });
  const { config, serde } = bed;

  it('dead-letters forged, unsigned, re-labelled, altered and unknown-version records; genuine ones of either version pass', async () => {
    const ids = await bed.prepare(1);
    const a = new StoreEventFactory('sa');
    const genuineA = [a.sale(2), a.sale(2)]; // store_seq 1, 2
    const genuineB = new StoreEventFactory('sb').sale(2); // store_seq 1
    // Attack records all claim store sa, store_seq 1: had any passed, dedup would drop the real seq 1.
    const fake = new StoreEventFactory('sa').sale(3);
    expect(fake.store_seq).toBe(1);
    const realA1 = posMessage(serde, ids, genuineA[0]!);
    const altered = posMessage(serde, ids, {
      ...(genuineA[0] as SaleRecorded),
      occurred_at: genuineA[0]!.occurred_at - 60_000,
    });
    const attacks: { why: string; reason: string; record: Message }[] = [
      {
        why: 'forged: right store id, a key that is not the store key',
        reason: 'mismatch',
        record: signedWith(posMessage(serde, ids, fake), { version: 'v1', key: Buffer.alloc(32, 1) }),
      },
      { why: 'unsigned', reason: 'missing', record: unsigned(posMessage(serde, ids, fake)) },
      {
        why: "store B's validly signed record re-keyed as store A",
        reason: 'mismatch',
        // Its signature kept, its key now says sa: the MAC covers the key, so B's key no longer fits.
        record: { ...posMessage(serde, ids, genuineB), key: 'sa' },
      },
      {
        why: "store B signs a record claiming store A with B's own key",
        reason: 'mismatch',
        record: signedWith(posMessage(serde, ids, fake), TEST_SIGNING_MASTER, 'sb'),
      },
      {
        why: 'replay of a genuine record of A with a modified value',
        reason: 'mismatch',
        record: { ...realA1, value: altered.value },
      },
      {
        why: 'signed with a key version HQ does not accept',
        reason: 'unknown_version',
        record: signedWith(posMessage(serde, ids, fake), { version: 'v9', key: TEST_SIGNING_MASTER.key }),
      },
    ];
    const genuine = [
      signedWith(realA1, TEST_SIGNING_MASTER), // v1, the old key, still valid during the rollover
      signedWith(posMessage(serde, ids, genuineA[1]!), V2),
      signedWith(posMessage(serde, ids, genuineB), V2),
    ];

    const running = await bed.start();
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-sig-enr');
    const dlq = await bed.collect(config.INGEST_DLQ_TOPIC, 'ingest-it-sig-dlq');
    await (await bed.feed()).send(config.INGEST_INPUT_TOPIC, [...attacks.map((x) => x.record), ...genuine]);

    await enriched.waitForCount(3);
    await dlq.waitForCount(attacks.length);
    await enriched.settled(1_000);

    // Refused: each attack is a BAD_SIGNATURE dead letter with its original bytes, in input order.
    const dead = [...dlq.messages].sort(
      (x, y) =>
        Number(readDeadLetter(x.headers)!.sourceOffset) - Number(readDeadLetter(y.headers)!.sourceOffset),
    );
    expect(dead).toHaveLength(attacks.length);
    dead.forEach((m, i) => {
      const info = readDeadLetter(m.headers)!;
      expect(info.code, attacks[i]!.why).toBe('BAD_SIGNATURE');
      expect(m.value.equals(attacks[i]!.record.value as Buffer), attacks[i]!.why).toBe(true);
    });

    // Nothing changed: only the genuine events came out, and store sa's seq 1 was not taken by a fake.
    const out = await decodeAll<StoreEvent>(serde, enriched.messages);
    // The output topic has several partitions (keyed by store): compare in (store, store_seq) order.
    const rows = out.map((e) => [e.store_id, e.store_seq, e.event_id] as const);
    rows.sort((x, y) => x[0].localeCompare(y[0]) || x[1] - y[1]);
    expect(rows).toEqual([
      ['sa', 1, genuineA[0]!.event_id],
      ['sa', 2, genuineA[1]!.event_id],
      ['sb', 1, genuineB.event_id],
    ]);
    expect(out.find((e) => e.event_id === genuineA[0]!.event_id)!.occurred_at).toBe(genuineA[0]!.occurred_at);
    expect(await metricValue(running.metrics, 'retail_ingest_duplicates_total')).toBe(0);

    // Counted, by bounded reason (no reference data here, so the claimed store is "unknown").
    expect(
      await metricValue(running.metrics, 'retail_ingest_dead_letters_total', { code: 'BAD_SIGNATURE' }),
    ).toBe(attacks.length);
    for (const reason of ['mismatch', 'missing', 'unknown_version']) {
      expect(
        await metricValue(running.metrics, 'retail_ingest_bad_signatures_total', {
          reason,
          store: 'unknown',
        }),
        reason,
      ).toBe(attacks.filter((x) => x.reason === reason).length);
    }
  });
});

describe('ingest processor: signed store events (after the rollover, v1 removed)', () => {
  const bed = useIngestTestBed({ SIGNING_MASTER_KEYS: V2_SETTING });
  const { config, serde } = bed;

  it('refuses a record signed with the retired v1 key and accepts the v2-signed one', async () => {
    const ids = await bed.prepare(1);
    const store = new StoreEventFactory('sc');
    const old = store.sale(2); // store_seq 1, signed by a relay still on v1
    const first = posMessage(serde, ids, old);
    const again = withStoreSignature(first, deriveStoreKey(V2, 'sc')); // re-signed after provisioning v2
    const running = await bed.start();
    const enriched = await bed.collect(config.INGEST_OUTPUT_TOPIC, 'ingest-it-sig2-enr');
    const dlq = await bed.collect(config.INGEST_DLQ_TOPIC, 'ingest-it-sig2-dlq');
    await (await bed.feed()).send(config.INGEST_INPUT_TOPIC, [first, again]);

    await dlq.waitForCount(1);
    await enriched.waitForCount(1);
    await enriched.settled(1_000);
    expect(readDeadLetter(dlq.messages[0]!.headers)).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(readDeadLetter(dlq.messages[0]!.headers)!.message).toMatch(/key version v1/);
    const out = await decodeAll<StoreEvent>(serde, enriched.messages);
    expect(out.map((e) => e.event_id)).toEqual([old.event_id]);
    expect(
      await metricValue(running.metrics, 'retail_ingest_bad_signatures_total', {
        reason: 'unknown_version',
        store: 'unknown',
      }),
    ).toBe(1);
  });
});
