import { streamPost, type TopicCollector } from '@retail-stream/runtime/testing';
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

/** Issue 13 items 7-8 at the gateway: oversized bodies and raw customer ids are refused, nothing produced. */
let world: GatewayWorld;
let gw: InProcessGateway;
let collector: TopicCollector;
const MAX_BODY = 1_048_576;
const FIFTY_MB = 50 * 1024 * 1024;

beforeAll(async () => {
  world = await gatewayWorld();
  gw = await startGateway(
    gatewayTestEnv(world.topic, world.schema, { GATEWAY_MAX_BODY_BYTES: String(MAX_BODY) }),
  );
  collector = await world.collector();
});

afterAll(async () => {
  await gw?.stop();
  await world?.drop();
});

async function store() {
  const storeId = uniqueStoreId('bp');
  return { storeId, key: await gw.issueKey(storeId) };
}

/** The store's first event (store_seq 1) goes through now and is the only record of the store in Kafka. */
async function assertNothingProduced(storeId: string, key: string): Promise<void> {
  expect(await gw.cursor(storeId)).toBe(0);
  const sentinel = new EventMaker(storeId).adjustment();
  expect(statusesOf(await postBatch(gw.url, key, { events: [sentinel] }))).toEqual(['accepted']);
  const got = await collector.waitForKey(storeId, 1);
  expect(got).toHaveLength(1);
  expect(got[0]!.headers.event_id).toBe(sentinel.event_id);
}

describe('ingest gateway: customer_ref must be a pseudonym', () => {
  for (const phone of ['+84901234567', '0901234567']) {
    it(`refuses a sale whose customer_ref is the raw phone number ${phone} (400), producing nothing`, async () => {
      const s = await store();
      const make = new EventMaker(s.storeId);
      const good = make.sale();
      const raw = { ...make.sale(), customer_ref: phone };
      const r = await postBatch(gw.url, s.key, { events: [good, raw] });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        error: {
          code: 'CUSTOMER_REF_NOT_PSEUDONYM',
          message: expect.stringMatching(/^event #1: customer_ref: not a pseudonym/),
          field: 'events.1.customer_ref',
        },
        retriable: false,
      });
      // The number is not echoed back nor written to the gateway's log.
      expect(JSON.stringify(r.body)).not.toContain(phone.slice(1));
      expect(gw.lines.some((l) => JSON.stringify(l).includes(phone.slice(1)))).toBe(false);
      await assertNothingProduced(s.storeId, s.key);
    });
  }

  it('accepts the store edge pseudonym, with and without a key id', async () => {
    const s = await store();
    const make = new EventMaker(s.storeId);
    const events = [
      { ...make.sale(), customer_ref: 'a1'.repeat(32) },
      { ...make.sale(), customer_ref: `c2.${'b2'.repeat(32)}` },
    ];
    expect(statusesOf(await postBatch(gw.url, s.key, { events }))).toEqual(['accepted', 'accepted']);
  });
});

describe('ingest gateway: a 50 MB body', () => {
  for (const declareLength of [true, false]) {
    it(`is refused 413 without being read (${declareLength ? 'Content-Length' : 'chunked'}), producing nothing`, async () => {
      const s = await store();
      // Sends nothing (Content-Length) or just past the limit (chunked), then waits: a gateway that
      // read the whole body first would never answer (streamPost fails after 10 s).
      const r = await streamPost(`${gw.url}/v1/ingestion/events`, FIFTY_MB, {
        declareLength,
        sendAtMost: declareLength ? 0 : MAX_BODY + 1_048_576,
        headers: { authorization: `Bearer ${s.key}` },
      });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toEqual({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `the request body exceeds the ${MAX_BODY}-byte limit`,
          field: null,
        },
        retriable: false,
      });
      expect(r.ms).toBeLessThan(5_000);
      await assertNothingProduced(s.storeId, s.key);
    });
  }

  it('is refused 413 before authentication too (no key needed to be turned away)', async () => {
    const r = await streamPost(`${gw.url}/v1/ingestion/events`, FIFTY_MB, {
      declareLength: true,
      sendAtMost: 0,
    });
    expect(r.status).toBe(413);
  });
});
