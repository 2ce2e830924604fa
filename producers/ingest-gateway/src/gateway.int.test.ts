import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AvroSerde, STORE_HEADERS } from '@retail-stream/runtime';
import { decodeAll, metricValue, waitFor, type TopicCollector } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventMaker } from '../test/events.ts';
import {
  gatewayTestEnv,
  gatewayWorld,
  KafkaFaults,
  postBatch,
  ENDPOINTS,
  startGateway,
  statusesOf,
  uniqueStoreId,
  type GatewayWorld,
  type InProcessGateway,
} from '../test/harness.ts';
import { formatKey, parseKey, revokeKey } from './api-keys.ts';

const MAX_EVENTS = 20;
const MAX_BODY = 64 * 1024;

let world: GatewayWorld;
let gw: InProcessGateway;
let collector: TopicCollector;
const serde = AvroSerde.fromConfig(ENDPOINTS.registry);

beforeAll(async () => {
  world = await gatewayWorld();
  gw = await startGateway(
    gatewayTestEnv(world.topic, world.schema, {
      GATEWAY_MAX_EVENTS: String(MAX_EVENTS),
      GATEWAY_MAX_BODY_BYTES: String(MAX_BODY),
    }),
  );
  collector = await world.collector();
});

afterAll(async () => {
  await gw?.stop();
  await world?.drop();
});

/** A store with a key and an event maker. */
async function store(prefix = 'g') {
  const storeId = uniqueStoreId(prefix);
  return { storeId, key: await gw.issueKey(storeId), make: new EventMaker(storeId) };
}

/**
 * Proves nothing else of the store reached Kafka: produce one more event through the gateway and
 * wait for it; the topic has one partition, so anything produced earlier arrived before it.
 */
async function assertNothingElseProduced(
  s: Awaited<ReturnType<typeof store>>,
  expected: number,
): Promise<void> {
  const sentinel = s.make.payment();
  const r = await postBatch(gw.url, s.key, { events: [sentinel] });
  expect(statusesOf(r)).toEqual(['accepted']);
  const got = await collector.waitForKey(s.storeId, expected + 1);
  expect(got).toHaveLength(expected + 1);
  expect(got.at(-1)!.headers.event_id).toBe(sentinel.event_id);
}

describe('ingest gateway (real Postgres, Kafka, registry)', () => {
  it('happy path: events land in Kafka decodable, in order, key store_id, headers', async () => {
    const s = await store();
    const events = s.make.batch(6);
    const r = await postBatch(gw.url, s.key, { events });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ store_id: s.storeId, last_seq: 6, accepted: 6, duplicate: 0, error: 0 });
    expect(r.body.results).toEqual(
      events.map((e) => ({ store_seq: e.store_seq, event_id: e.event_id, status: 'accepted' })),
    );
    expect(r.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);

    const got = await collector.waitForKey(s.storeId, 6);
    expect(got.map((m) => m.headers)).toEqual(
      events.map((e) => ({
        event_type: e.event_type,
        event_id: e.event_id,
        trace_id: e.trace_id,
        // Signed for the authenticated store (signing.int.test.ts verifies it).
        [STORE_HEADERS.signature]: expect.stringMatching(/^v1:v1:[A-Za-z0-9_-]{43}$/),
        // The request's span (W3C), in the trace the response names.
        traceparent: expect.stringMatching(new RegExp(`^00-${r.headers.get('x-trace-id')}-[0-9a-f]{16}-01$`)),
      })),
    );
    expect(new Set(got.map((m) => m.key))).toEqual(new Set([s.storeId]));
    expect(await decodeAll<StoreEvent>(serde, got)).toEqual(events);
    expect(await gw.cursor(s.storeId)).toBe(6);

    const cursor = await fetch(`${gw.url}/v1/ingestion/cursor`, {
      headers: { authorization: `Bearer ${s.key}` },
    });
    expect(await cursor.json()).toEqual({ store_id: s.storeId, last_seq: 6 });
  });

  it('replay of the same batch: all duplicate, nothing new in Kafka', async () => {
    const s = await store();
    const events = s.make.batch(5);
    expect((await postBatch(gw.url, s.key, { events })).body.accepted).toBe(5);
    const replay = await postBatch(gw.url, s.key, { events });
    expect(replay.status).toBe(200);
    expect(statusesOf(replay)).toEqual(Array(5).fill('duplicate'));
    expect(replay.body).toMatchObject({ accepted: 0, duplicate: 5, error: 0, last_seq: 5 });
    await assertNothingElseProduced(s, 5);
  });

  it('a batch with a gap: accepted up to it, SEQUENCE_GAP, NOT_PROCESSED after; the resend completes it', async () => {
    const s = await store();
    const all = s.make.batch(8); // 1..8
    const withGap = [...all.slice(0, 3), ...all.slice(4)]; // 1,2,3,5,6,7,8
    const r = await postBatch(gw.url, s.key, { events: withGap });
    expect(r.status).toBe(200);
    expect(statusesOf(r)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'SEQUENCE_GAP',
      'NOT_PROCESSED',
      'NOT_PROCESSED',
      'NOT_PROCESSED',
    ]);
    expect(r.body.results![3]!.error).toMatchObject({
      field: 'store_seq',
      message: expect.stringContaining('expected 4'),
    });
    expect(r.body).toMatchObject({ accepted: 3, duplicate: 0, error: 4, last_seq: 3 });
    expect(await gw.cursor(s.storeId)).toBe(3);

    // The relay resends from the first unaccepted event (here it also still has 1..3: duplicates).
    const resend = await postBatch(gw.url, s.key, { events: all });
    expect(statusesOf(resend)).toEqual([...Array(3).fill('duplicate'), ...Array(5).fill('accepted')]);
    const got = await collector.waitForKey(s.storeId, 8);
    expect((await decodeAll<StoreEvent>(serde, got)).map((e) => e.store_seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    await assertNothingElseProduced(s, 8);
  });

  it('invalid and unknown events: error with a field, the rest NOT_PROCESSED', async () => {
    const s = await store();
    const events = s.make.batch(4) as unknown as Record<string, unknown>[];
    events[1] = { ...events[1]!, amount_minor: 'ten' };
    const r = await postBatch(gw.url, s.key, { events });
    expect(statusesOf(r)).toEqual(['accepted', 'SCHEMA_INVALID', 'NOT_PROCESSED', 'NOT_PROCESSED']);
    expect(r.body.results![1]!.error).toEqual({
      code: 'SCHEMA_INVALID',
      message: expect.stringContaining('amount_minor: long expected, got "ten"'),
      field: 'amount_minor',
    });

    const unknown = await postBatch(gw.url, s.key, {
      events: [{ ...events[1]!, event_type: 'SaleTeleported' }],
    });
    expect(statusesOf(unknown)).toEqual(['UNKNOWN_EVENT_TYPE']);
    expect(unknown.body.results![0]!.error!.field).toBe('event_type');
    expect(await gw.cursor(s.storeId)).toBe(1);
    await assertNothingElseProduced({ ...s, make: new EventMaker(s.storeId, 2) }, 1);
  });

  describe('401', () => {
    it('no key, malformed key, unknown key, wrong secret → 401 with WWW-Authenticate, nothing produced', async () => {
      const s = await store();
      const events = s.make.batch(2);
      const { keyId } = parseKey(s.key)!;
      const attempts = [
        undefined,
        'not-a-key',
        formatKey(crypto.randomBytes(8).toString('hex'), crypto.randomBytes(32).toString('base64url')),
        formatKey(keyId, crypto.randomBytes(32).toString('base64url')),
      ];
      for (const key of attempts) {
        const r = await postBatch(gw.url, key, { events });
        expect(r.status).toBe(401);
        expect(r.body).toEqual({
          error: { code: 'UNAUTHORIZED', message: expect.any(String), field: null },
          retriable: false,
        });
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      expect(await gw.cursor(s.storeId)).toBe(0);
      expect(
        metricValue(await gw.metricsText(), 'retail_gateway_auth_failures_total', 'wrong-secret'),
      ).toBeGreaterThanOrEqual(1);
      // The store's first event is still seq 1: nothing was taken.
      await assertNothingElseProduced({ ...s, make: new EventMaker(s.storeId, 1) }, 0);
    });

    it('a revoked key is refused within the cache TTL', async () => {
      const s = await store();
      expect((await postBatch(gw.url, s.key, { events: [s.make.payment()] })).status).toBe(200);
      expect(await revokeKey(gw.db, parseKey(s.key)!.keyId)).toBe('revoked');
      // A key is cached for at most the TTL from when it was read, which was before the revocation:
      // once that much time has passed the next request must see it revoked, however slow the machine.
      await sleep(gw.config.GATEWAY_KEY_CACHE_TTL_MS);
      expect((await postBatch(gw.url, s.key, { events: [s.make.payment()] })).status).toBe(401);
    });
  });

  it("403: another store's event refuses the whole batch and nothing is produced", async () => {
    const a = await store('a');
    const b = await store('b');
    const events = [...a.make.batch(2), b.make.payment(), ...a.make.batch(1)];
    const r = await postBatch(gw.url, a.key, { events });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      error: {
        code: 'STORE_MISMATCH',
        message: expect.stringContaining(b.storeId),
        field: 'events.2.store_id',
      },
      retriable: false,
    });
    expect(await gw.cursor(a.storeId)).toBe(0);
    expect(await gw.cursor(b.storeId)).toBe(0);
    // Store a's first event (seq 1) is still expected: produce it now and check it is the only record.
    await assertNothingElseProduced({ ...a, make: new EventMaker(a.storeId, 1) }, 0);
    expect(collector.of(b.storeId)).toEqual([]);
  });

  describe('413', () => {
    it('too many events', async () => {
      const s = await store();
      const r = await postBatch(gw.url, s.key, { events: s.make.batch(MAX_EVENTS + 1) });
      expect(r.status).toBe(413);
      expect(r.body).toEqual({
        error: {
          code: 'TOO_MANY_EVENTS',
          message: expect.stringContaining(`at most ${MAX_EVENTS}`),
          field: 'events',
        },
        retriable: false,
      });
      expect(await gw.cursor(s.storeId)).toBe(0);
    });

    it('body too large', async () => {
      const s = await store();
      const big = { ...s.make.adjustment(), note: 'x'.repeat(MAX_BODY) };
      const r = await postBatch(gw.url, s.key, { events: [big] });
      expect(r.status).toBe(413);
      expect(r.body).toMatchObject({
        error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(`${MAX_BODY}-byte`) },
      });
      expect(await gw.cursor(s.storeId)).toBe(0);
    });
  });

  it('400/415: bad JSON, wrong shape, wrong content type', async () => {
    const s = await store();
    const badJson = await postBatch(gw.url, s.key, '{"events": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toMatchObject({ code: 'INVALID_JSON' });
    const noEvents = await postBatch(gw.url, s.key, { evnts: [] });
    expect(noEvents.status).toBe(400);
    expect(noEvents.body.error).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'evnts' });
    const notObject = await postBatch(gw.url, s.key, { events: [s.make.payment(), 42] });
    expect(notObject.body.error).toMatchObject({ code: 'INVALID_EVENT', field: 'events.1' });
    const text = await postBatch(gw.url, s.key, 'events', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await gw.cursor(s.storeId)).toBe(0);
  });

  it('concurrent requests of one store: no reordering, no double accept', async () => {
    const s = await store();
    const events = s.make.batch(40);
    // Eight relays racing with overlapping prefixes of the same backlog (1..5, 1..10, … 1..40).
    const prefixes = Array.from({ length: 8 }, (_, i) => events.slice(0, (i + 1) * 5));
    const answers = await Promise.all(
      prefixes.map((batch) => postBatch(gw.url, s.key, { events: batch.slice(-MAX_EVENTS) })),
    );
    // Batches above MAX_EVENTS were cut to their last 20: they may start beyond the cursor (gap).
    for (const a of answers) expect(a.status).toBe(200);
    const acceptedSeqs = answers.flatMap((a) =>
      a.body.results!.filter((r) => r.status === 'accepted').map((r) => r.store_seq),
    );
    expect(acceptedSeqs.length).toBe(new Set(acceptedSeqs).size);

    // Then keep resending from the cursor, as relays do, until everything is in.
    await waitFor(
      async () => {
        const cursor = await gw.cursor(s.storeId);
        if (cursor === 40) return true;
        await Promise.all(
          [0, 1, 2].map(() =>
            postBatch(gw.url, s.key, { events: events.slice(cursor, cursor + MAX_EVENTS) }),
          ),
        );
        return false;
      },
      { timeoutMs: 20_000, what: 'store fully ingested' },
    );
    const got = await collector.waitForKey(s.storeId, 40);
    const decoded = await decodeAll<StoreEvent>(serde, got);
    expect(decoded.map((e) => e.store_seq)).toEqual(events.map((e) => e.store_seq));
    expect(decoded.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    await assertNothingElseProduced(s, 40);
  });

  it('/readyz (database, producer) and metrics', async () => {
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { gateway: 'ok' } });
    const text = await gw.metricsText();
    expect(metricValue(text, 'retail_gateway_events_total', 'result="accepted"')).toBeGreaterThan(0);
    expect(metricValue(text, 'retail_gateway_events_total', 'result="duplicate"')).toBeGreaterThan(0);
    expect(metricValue(text, 'retail_gateway_events_total', 'result="error"')).toBeGreaterThan(0);
    for (const status of ['200', '401', '403', '413', '400']) {
      expect(metricValue(text, 'retail_gateway_requests_total', `status="${status}"`)).toBeGreaterThan(0);
    }
    expect(metricValue(text, 'retail_gateway_request_duration_seconds_count')).toBeGreaterThan(0);
    expect(metricValue(text, 'retail_gateway_batch_events_count')).toBeGreaterThan(0);
  });
});

describe('Kafka unavailable', () => {
  let faulty: InProcessGateway;
  const faults = new KafkaFaults();

  beforeAll(async () => {
    await faults.init();
    faulty = await startGateway(gatewayTestEnv(world.topic, world.schema), { kafka: faults.kafka() });
  });
  afterAll(async () => {
    faults.restore();
    await faulty?.stop();
  });

  it('503 retriable, cursor unchanged, not ready; after recovery the resend is accepted once', async () => {
    const storeId = uniqueStoreId('k');
    const key = await faulty.issueKey(storeId);
    const make = new EventMaker(storeId);
    const first = make.batch(2);
    expect((await postBatch(faulty.url, key, { events: first })).body.accepted).toBe(2);

    faults.cut();
    const events: StoreEvent[] = make.batch(3);
    const r = await postBatch(faulty.url, key, { events });
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ retriable: true, error: { code: expect.stringMatching(/^KAFKA_/) } });
    expect(r.headers.get('retry-after')).toBe('1');
    expect(await faulty.cursor(storeId)).toBe(2);
    const notReady = await faulty.gateway.readiness();
    expect(notReady).toContain('kafka producer not connected');

    faults.restore();
    await waitFor(async () => (await faulty.gateway.readiness()) === true, {
      timeoutMs: 15_000,
      what: 'producer reconnected',
    });
    const again = await postBatch(faulty.url, key, { events });
    expect(statusesOf(again)).toEqual(['accepted', 'accepted', 'accepted']);
    const got = await collector.waitForKey(storeId, 5);
    expect((await decodeAll<StoreEvent>(serde, got)).map((e) => e.event_id)).toEqual(
      [...first, ...events].map((e) => e.event_id),
    );
  });
});
