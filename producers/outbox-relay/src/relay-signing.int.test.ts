import { STORE_HEADERS, StoreSignatureVerifier } from '@retail-stream/runtime';
import { TEST_SIGNING_MASTER } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { insertOutbox, testRelayEnv } from '../test/harness.ts';
import { useRelaySuite } from '../test/relay-suite.ts';

const { setup, relay, allMarked } = useRelaySuite();

describe('outbox relay: signed store events', () => {
  it("signs every record with the store's own key, over key, value and the epoch header", async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(60);
    await insertOutbox(db.pool, events);
    await relay(testRelayEnv(db.storeId, topic));
    await collector.waitForCount(events.length);
    await allMarked(db);

    const hq = new StoreSignatureVerifier([TEST_SIGNING_MASTER]);
    const got = collector.messages;
    expect(got).toHaveLength(events.length);
    for (const m of got) {
      expect(m.headers[STORE_HEADERS.signature]).toMatch(/^v1:v1:[A-Za-z0-9_-]{43}$/);
      expect(hq.verify(m)).toEqual({ ok: true, version: 'v1' });
    }
    // The signature binds the record to this store and to what it published.
    const first = got[0]!;
    expect(hq.verify({ ...first, key: 'another_store' })).toMatchObject({ ok: false, reason: 'mismatch' });
    if (first.headers[STORE_HEADERS.epoch] !== undefined) {
      const otherEpoch = { ...first.headers, [STORE_HEADERS.epoch]: '00000000-0000-4000-8000-000000000000' };
      expect(hq.verify({ ...first, headers: otherEpoch })).toMatchObject({ ok: false, reason: 'mismatch' });
    }
  });
});
