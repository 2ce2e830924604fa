import { AvroSerde } from '@retail-stream/runtime';
import { waitFor } from '@retail-stream/runtime/testing';
import { catalogue } from '@retail-stream/schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkDelivery } from '../test/delivery-check.ts';
import {
  decodeAll,
  insertOutbox,
  metricValue,
  publishedState,
  registerCatalogue,
  setupStoreAndTopic,
  startRelay,
  testRelayEnv,
  ThrowawayRegistry,
} from '../test/harness.ts';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { schemaFingerprint } from './schema-fingerprint.ts';

/** A registry of this test's own, so it can be killed without disturbing anyone else. */
let registry: ThrowawayRegistry;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  registry = await ThrowawayRegistry.create();
  await registry.start();
  await registerCatalogue(registry.url);
});
afterAll(async () => {
  await registry?.destroy();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
  await registry.start().catch(() => undefined); // each test starts with the registry up
});

const setup = () => setupStoreAndTopic(cleanup);

describe('schema registry down', () => {
  it('keeps publishing known schemas, also after a relay restart during the outage (ids persisted in the store db)', async () => {
    const { db, topic, collector } = await setup();
    const factory = new StoreEventFactory(db.storeId);
    const env = testRelayEnv(db.storeId, topic, { SCHEMA_REGISTRY_URL: registry.url });
    const events = factory.mixed(300);
    await insertOutbox(db.pool, events.slice(0, 100));
    const first = await startRelay(env);
    cleanup.push(() => first.stop());
    await collector.waitForCount(100);

    const { rows } = await db.pool.query<{ event_type: string; fingerprint: string }>(
      'SELECT event_type, fingerprint FROM relay_schema_ids WHERE registry_url = $1 ORDER BY event_type',
      [registry.url],
    );
    expect(rows.map((r) => r.event_type)).toEqual([...catalogue.storeEventTypes].sort());
    for (const r of rows) expect(r.fingerprint).toBe(schemaFingerprint(r.event_type));

    await registry.stop();
    // Running relay: ids in memory.
    await insertOutbox(db.pool, events.slice(100, 200));
    await collector.waitForCount(200);
    await first.stop();

    // Restarted relay, registry still down: ids from the store database.
    const second = await startRelay(env);
    cleanup.push(() => second.stop());
    await insertOutbox(db.pool, events.slice(200));
    await collector.waitForCount(300);
    expect(second.lines.some((l) => /schema registry not reachable/.test(l.msg))).toBe(true);
    expect(
      second.lines.some((l) => l.msg === 'schema ids loaded from the store database' && l.loaded === 7),
    ).toBe(true);
    await waitFor(async () => (await publishedState(db.pool, db.storeId)).unpublished === 0, {
      what: 'all marked',
    });

    // Consumers decode through the registry, so read back once it is up again (same data, same ids).
    await registry.start();
    const decoded = await decodeAll(AvroSerde.fromUrl(registry.url), collector.messages);
    expect(
      checkDelivery(
        decoded.map((e) => e.store_seq),
        300,
      ),
    ).toMatchObject({ ok: true, duplicates: 0 });
    expect(decoded).toEqual(events);
  });

  it('without any known id it waits (not a bad row), and publishes in order once the registry answers', async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(50);
    await insertOutbox(db.pool, events);
    await registry.stop();
    const r = await startRelay(testRelayEnv(db.storeId, topic, { SCHEMA_REGISTRY_URL: registry.url }));
    cleanup.push(() => r.stop());

    await waitFor(
      async () =>
        /SCHEMA_ID_UNKNOWN/.test(
          (await r.metricsText()).match(/retail_relay_publish_errors_total\{[^}]*\}/g)?.join() ?? '',
        ),
      {
        what: 'SCHEMA_ID_UNKNOWN counted',
      },
    );
    expect(collector.messages).toHaveLength(0);
    expect(metricValue(await r.metricsText(), 'retail_relay_blocked')).toBe(0);
    const { rows } = await db.pool.query<{ last_error: string }>(
      'SELECT last_error FROM outbox WHERE store_id = $1 AND store_seq = 1',
      [db.storeId],
    );
    expect(rows[0]!.last_error).toMatch(/SCHEMA_ID_UNKNOWN/);

    await registry.start();
    await collector.waitForCount(50, 30_000);
    const decoded = await decodeAll(AvroSerde.fromUrl(registry.url), collector.messages);
    expect(decoded).toEqual(events);
  });
});
