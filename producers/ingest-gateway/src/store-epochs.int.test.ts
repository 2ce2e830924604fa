import { randomUUID } from 'node:crypto';
import { STORE_EPOCH_HEADER, STORE_EPOCH_HTTP_HEADER } from '@retail-stream/runtime';
import type { TopicCollector } from '@retail-stream/runtime/testing';
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

// Item 3 of issue 13 on the HTTP path: the gateway's cursor is per (store, epoch), so a rebuilt
// store database (new epoch, store_seq from 1) is forwarded with its epoch for ingest to hold,
// instead of being answered "duplicate" (which the relay takes as published: the events were lost).
let world: GatewayWorld;
let gw: InProcessGateway;
let collector: TopicCollector;

beforeAll(async () => {
  world = await gatewayWorld();
  gw = await startGateway(gatewayTestEnv(world.topic, world.schema));
  collector = await world.collector();
});

afterAll(async () => {
  await gw?.stop();
  await world?.drop();
});

const cursors = async (storeId: string) =>
  (
    await gw.db.query<{ epoch: string; last_seq: string }>(
      'SELECT epoch, last_seq::int AS last_seq FROM ingest_store_cursors WHERE store_id = $1 ORDER BY epoch',
      [storeId],
    )
  ).rows;

describe('ingest gateway: store epochs', () => {
  it('a rebuilt store database (new epoch from store_seq 1) is forwarded with its epoch, not answered duplicate', async () => {
    const storeId = uniqueStoreId('ep');
    const key = await gw.issueKey(storeId);
    const [epochA, epochB] = [randomUUID(), randomUUID()].sort();
    const before = new EventMaker(storeId).batch(3);
    const r1 = await postBatch(gw.url, key, { events: before }, { [STORE_EPOCH_HTTP_HEADER]: epochA! });
    expect(statusesOf(r1)).toEqual(['accepted', 'accepted', 'accepted']);

    const rebuilt = new EventMaker(storeId).batch(2);
    const r2 = await postBatch(gw.url, key, { events: rebuilt }, { [STORE_EPOCH_HTTP_HEADER]: epochB! });
    expect(statusesOf(r2)).toEqual(['accepted', 'accepted']);
    // A retry of the same request within its epoch is a duplicate, as before epochs.
    const r3 = await postBatch(gw.url, key, { events: rebuilt }, { [STORE_EPOCH_HTTP_HEADER]: epochB! });
    expect(statusesOf(r3)).toEqual(['duplicate', 'duplicate']);

    const got = await collector.waitForKey(storeId, 5);
    expect(got.map((m) => [m.headers.event_id, m.headers[STORE_EPOCH_HEADER]])).toEqual([
      ...before.map((e) => [e.event_id, epochA]),
      ...rebuilt.map((e) => [e.event_id, epochB]),
    ]);
    expect(await cursors(storeId)).toEqual([
      { epoch: epochA, last_seq: 3 },
      { epoch: epochB, last_seq: 2 },
    ]);
    const cursor = await fetch(`${gw.url}/v1/ingestion/cursor`, {
      headers: { authorization: `Bearer ${key}`, [STORE_EPOCH_HTTP_HEADER]: epochB! },
    });
    expect(await cursor.json()).toMatchObject({ store_id: storeId, last_seq: 2 });
  });

  it('a store on the legacy cursor continues under the epoch its upgraded relay sends; a bad epoch is refused', async () => {
    const storeId = uniqueStoreId('lg');
    const key = await gw.issueKey(storeId);
    const make = new EventMaker(storeId);
    const first = make.batch(2);
    expect(statusesOf(await postBatch(gw.url, key, { events: first }))).toEqual(['accepted', 'accepted']);
    const epoch = randomUUID();
    const next = make.batch(1);
    const r = await postBatch(gw.url, key, { events: next }, { [STORE_EPOCH_HTTP_HEADER]: epoch });
    expect(statusesOf(r)).toEqual(['accepted']);
    expect(await cursors(storeId)).toEqual([{ epoch, last_seq: 3 }]);

    const bad = await postBatch(gw.url, key, { events: make.batch(1) }, { [STORE_EPOCH_HTTP_HEADER]: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'STORE_EPOCH_INVALID', field: STORE_EPOCH_HTTP_HEADER });
    const got = await collector.waitForKey(storeId, 3);
    expect(got.map((m) => m.headers[STORE_EPOCH_HEADER])).toEqual([undefined, undefined, epoch]);
    expect(await cursors(storeId)).toEqual([{ epoch, last_seq: 3 }]);
  });
});
