import { STORE_HEADERS, StoreSignatureVerifier } from '@retail-stream/runtime';
import { TEST_SIGNING_MASTER, type TopicCollector } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventMaker } from '../test/events.ts';
import {
  gatewayTestEnv,
  gatewayWorld,
  postBatch,
  startGateway,
  statusesOf,
  uniqueStoreId,
  type GatewayWorld,
  type InProcessGateway,
} from '../test/harness.ts';

let world: GatewayWorld;
let gw: InProcessGateway;
let collector: TopicCollector;
/** What ingest verifies with (the gateway is given the same master key). */
const hq = new StoreSignatureVerifier([TEST_SIGNING_MASTER]);

beforeAll(async () => {
  world = await gatewayWorld();
  gw = await startGateway(gatewayTestEnv(world.topic, world.schema));
  collector = await world.collector();
});

afterAll(async () => {
  await gw?.stop();
  await world?.drop();
});

describe('ingest gateway: signed store events', () => {
  it("signs each accepted event with the authenticated store's key; ingest's check passes", async () => {
    const storeId = uniqueStoreId('sig');
    const key = await gw.issueKey(storeId);
    const events = new EventMaker(storeId).batch(4);
    expect(statusesOf(await postBatch(gw.url, key, { events }))).toEqual(Array(4).fill('accepted'));

    const got = await collector.waitForKey(storeId, 4);
    for (const m of got) {
      expect(m.headers[STORE_HEADERS.signature]).toMatch(/^v1:v1:/);
      expect(hq.verify(m)).toEqual({ ok: true, version: 'v1' });
      // Bound to this store: the same record claimed by another store fails.
      expect(hq.verify({ ...m, key: `${storeId}x` })).toMatchObject({ ok: false, reason: 'mismatch' });
    }
  });

  it('a caller cannot supply its own signature: not as an HTTP header, not inside the event', async () => {
    const victim = uniqueStoreId('sigv');
    const attacker = uniqueStoreId('siga');
    const key = await gw.issueKey(attacker);
    const forged = 'v1:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

    // As an HTTP header: ignored; the record carries the gateway's signature for the caller's store.
    const own = new EventMaker(attacker).batch(1);
    const r = await postBatch(gw.url, key, { events: own }, { [STORE_HEADERS.signature]: forged });
    expect(statusesOf(r)).toEqual(['accepted']);
    const [m] = await collector.waitForKey(attacker, 1);
    expect(m!.headers[STORE_HEADERS.signature]).not.toBe(forged);
    expect(hq.verify(m!)).toEqual({ ok: true, version: 'v1' });

    // Inside the event, or as another store's event: refused, nothing produced.
    const smuggled = { ...new EventMaker(attacker, 2).batch(1)[0]!, [STORE_HEADERS.signature]: forged };
    const r2 = await postBatch(gw.url, key, { events: [smuggled] });
    expect(statusesOf(r2)).toEqual(['SCHEMA_INVALID']);
    const asVictim = await postBatch(gw.url, key, { events: new EventMaker(victim).batch(1) });
    expect(asVictim.status).toBeGreaterThanOrEqual(400);

    // Nothing of either reached Kafka: the attacker's next genuine event is its second record.
    const next = new EventMaker(attacker, 2).batch(1)[0]!;
    expect(statusesOf(await postBatch(gw.url, key, { events: [next] }))).toEqual(['accepted']);
    const all = await collector.waitForKey(attacker, 2);
    expect(all.map((x) => x.headers.event_id)).toEqual([own[0]!.event_id, next.event_id]);
    expect(collector.messages.some((x) => x.key === victim)).toBe(false);
  });
});
