import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, TransientError } from '@retail-stream/runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayRejectedError, HttpPublisher, splitForGateway } from './http-publisher.ts';
import type { OutboundEvent } from './publisher.ts';

/** A minimal real HTTP server standing in for the gateway; each test scripts its answers. */
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: { events: Record<string, unknown>[] } | undefined;
}
type Answer = (seen: Seen) => { status: number; body?: unknown; delayMs?: number } | 'hang';

let server: http.Server;
let base: string;
let answer: Answer;
const seen: Seen[] = [];
const logger = createLogger({ service: 'http-publisher-test', level: 'silent' });
const KEY = 'rsk_0123456789abcdef.' + 'k'.repeat(43);

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const s: Seen = {
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: raw ? (JSON.parse(raw) as Seen['body']) : undefined,
      };
      seen.push(s);
      const a = answer(s);
      if (a === 'hang') return; // never answers (the client times out)
      setTimeout(() => {
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.body === undefined ? '' : JSON.stringify(a.body));
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
  answer = acceptAll;
});

/** The gateway's error answer (runtime http-errors shape): its code, message and retriable flag. */
function gatewayError(status: number, code: string, message: string, retriable: boolean) {
  return { status, body: { error: { code, message, field: null }, retriable } };
}

function events(n: number, from = 1, payloadBytes = 0): OutboundEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const seq = from + i;
    const payload = {
      event_id: `e${seq}`,
      event_type: 'PaymentCaptured',
      store_id: 's001',
      store_seq: seq,
      note: 'x'.repeat(payloadBytes),
    };
    return {
      storeId: 's001',
      storeSeq: seq,
      eventId: `e${seq}`,
      eventType: 'PaymentCaptured',
      traceId: 't',
      value: Buffer.alloc(0),
      payload,
    };
  });
}

const resultOf = (e: Record<string, unknown>, status: string, error?: object) => ({
  store_seq: e.store_seq,
  event_id: e.event_id,
  status,
  ...(error ? { error } : {}),
});
const acceptAll: Answer = (s) => ({
  status: 200,
  body: { results: s.body!.events.map((e) => resultOf(e, 'accepted')) },
});

function publisher(over: Partial<ConstructorParameters<typeof HttpPublisher>[0]> = {}) {
  return new HttpPublisher({
    url: `${base}/`,
    apiKey: KEY,
    timeoutMs: 2_000,
    maxEvents: 500,
    maxBodyBytes: 1_048_576,
    logger,
    ...over,
  });
}

describe('splitForGateway', () => {
  it('respects the event count and the body size; a lone oversized event gets its own chunk', () => {
    expect(splitForGateway(events(7), 3, 1_000_000).map((c) => c.length)).toEqual([3, 3, 1]);
    const big = events(5, 1, 400); // ~500 bytes each
    const chunks = splitForGateway(big, 100, 1_200);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 1]);
    for (const c of chunks) {
      const body = `{"events":[${c.map((e) => JSON.stringify(e.payload)).join(',')}]}`;
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1_200);
    }
    expect(splitForGateway(events(2, 1, 5_000), 100, 1_200).map((c) => c.length)).toEqual([1, 1]);
  });
});

describe('HttpPublisher', () => {
  it('POSTs the payloads in order with the bearer key, split by the gateway limits; all accepted → all acked', async () => {
    const batch = events(7);
    expect(await publisher({ maxEvents: 3 }).publish(batch)).toEqual({ acked: 7 });
    expect(seen.map((s) => [s.method, s.url, s.authorization, s.contentType])).toEqual(
      Array(3).fill(['POST', '/v1/ingestion/events', `Bearer ${KEY}`, 'application/json']),
    );
    expect(seen.flatMap((s) => s.body!.events)).toEqual(batch.map((e) => e.payload));
  });

  it('duplicates count as acknowledged (a replay after a lost answer)', async () => {
    answer = (s) => ({
      status: 200,
      body: { results: s.body!.events.map((e, i) => resultOf(e, i < 2 ? 'duplicate' : 'accepted')) },
    });
    expect(await publisher().publish(events(4))).toEqual({ acked: 4 });
  });

  it('per-event error: the acknowledged prefix, a non-retriable error naming the event, later chunks not sent', async () => {
    answer = (s) => ({
      status: 200,
      body: {
        results: s.body!.events.map((e, i) =>
          i < 2
            ? resultOf(e, i === 0 ? 'duplicate' : 'accepted')
            : i === 2
              ? resultOf(e, 'error', {
                  code: 'SEQUENCE_GAP',
                  message: 'store_seq 3 is not the next one: expected 2',
                  field: 'store_seq',
                })
              : resultOf(e, 'error', { code: 'NOT_PROCESSED', message: 'not processed', field: null }),
        ),
      },
    });
    const outcome = await publisher({ maxEvents: 4 }).publish(events(8));
    expect(outcome.acked).toBe(2);
    expect(outcome.error).toMatchObject({
      code: 'GATEWAY_SEQUENCE_GAP',
      retriable: false,
      details: { store_seq: 3 },
    });
    expect(outcome.error!.message).toContain(
      'refused store_seq 3 (PaymentCaptured): store_seq 3 is not the next one',
    );
    expect(outcome.error!.message).toContain('keys-cli cursor --set');
    expect(seen).toHaveLength(1);
  });

  it.each([
    [401, 'GATEWAY_UNAUTHORIZED', 'RELAY_HTTP_API_KEY'],
    [403, 'GATEWAY_FORBIDDEN', 'another store'],
    [413, 'GATEWAY_PAYLOAD_TOO_LARGE', 'RELAY_HTTP_MAX_EVENTS'],
    [400, 'GATEWAY_REJECTED', 'INVALID_JSON'],
  ])(
    '%i → GatewayRejectedError %s (not retriable), earlier chunks stay acknowledged',
    async (status, code, hint) => {
      let calls = 0;
      answer = (s) =>
        ++calls === 1
          ? acceptAll(s)
          : gatewayError(status, status === 400 ? 'INVALID_JSON' : 'X', 'said the gateway', false);
      const outcome = await publisher({ maxEvents: 2 }).publish(events(5));
      expect(outcome.acked).toBe(2);
      expect(outcome.error).toBeInstanceOf(GatewayRejectedError);
      expect(outcome.error).toMatchObject({ code, retriable: false, status });
      expect(outcome.error!.message).toContain(hint);
      expect(outcome.error!.message).toContain('said the gateway');
    },
  );

  it('413 for a request of one event → OUTBOX_EVENT_TOO_LARGE naming the event (the relay blocks on it)', async () => {
    let calls = 0;
    answer = (s) =>
      ++calls === 1 ? acceptAll(s) : gatewayError(413, 'PAYLOAD_TOO_LARGE', 'body over 1000 bytes', false);
    const outcome = await publisher({ maxEvents: 1 }).publish(events(3, 1, 100));
    expect(outcome).toMatchObject({
      acked: 1,
      error: { code: 'OUTBOX_EVENT_TOO_LARGE', retriable: false, details: { store_seq: 2 } },
    });
    expect(outcome.error!.message).toMatch(
      /^outbox event of store s001 at store_seq 2 \(PaymentCaptured, event_id e2\) is \d+ bytes, .*the gateway refused it alone \(.*body over 1000 bytes/,
    );
    expect(seen).toHaveLength(2);
  });

  it.each([500, 502, 503, 429])('%i → TransientError (retriable)', async (status) => {
    answer = () => gatewayError(status, 'KAFKA_UNAVAILABLE', 'retry', true);
    const outcome = await publisher().publish(events(2));
    expect(outcome).toMatchObject({ acked: 0, error: { code: 'GATEWAY_UNAVAILABLE', retriable: true } });
    expect(outcome.error).toBeInstanceOf(TransientError);
  });

  it('timeout and unreachable → TransientError', async () => {
    answer = () => 'hang';
    const timedOut = await publisher({ timeoutMs: 200 }).publish(events(1));
    expect(timedOut).toMatchObject({ acked: 0, error: { code: 'GATEWAY_TIMEOUT', retriable: true } });

    const nowhere = new HttpPublisher({
      url: 'http://127.0.0.1:9',
      apiKey: KEY,
      timeoutMs: 2_000,
      maxEvents: 10,
      maxBodyBytes: 10_000,
      logger,
    });
    expect(await nowhere.publish(events(1))).toMatchObject({
      acked: 0,
      error: { code: 'GATEWAY_UNREACHABLE', retriable: true },
    });
  });

  it('a 200 whose results do not match the events acknowledges nothing (retriable)', async () => {
    answer = (s) => ({
      status: 200,
      body: { results: s.body!.events.slice(1).map((e) => resultOf(e, 'accepted')) },
    });
    expect(await publisher().publish(events(3))).toMatchObject({
      acked: 0,
      error: { code: 'GATEWAY_BAD_RESPONSE', retriable: true },
    });
    answer = (s) => ({
      status: 200,
      body: { results: s.body!.events.map((e) => ({ ...resultOf(e, 'accepted'), store_seq: 99 })) },
    });
    expect(await publisher().publish(events(3))).toMatchObject({
      acked: 0,
      error: { code: 'GATEWAY_BAD_RESPONSE' },
    });
    answer = () => ({ status: 200, body: 'not json at all' });
    expect(await publisher().publish(events(1))).toMatchObject({
      acked: 0,
      error: { code: 'GATEWAY_BAD_RESPONSE' },
    });
  });

  it('probe: GET /v1/ingestion/cursor with the key; 401 is not retriable, 503 is', async () => {
    answer = () => ({ status: 200, body: { store_id: 's001', last_seq: 3 } });
    await publisher().probe(1_000);
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/v1/ingestion/cursor',
      authorization: `Bearer ${KEY}`,
    });
    answer = () => gatewayError(401, 'UNAUTHORIZED', 'no', false);
    await expect(publisher().probe(1_000)).rejects.toMatchObject({
      code: 'GATEWAY_UNAUTHORIZED',
      retriable: false,
    });
    answer = () => gatewayError(503, 'NOT_READY', 'starting', true);
    await expect(publisher().probe(1_000)).rejects.toMatchObject({
      code: 'GATEWAY_UNAVAILABLE',
      retriable: true,
    });
  });

  it('close aborts a request in flight and refuses new ones', async () => {
    answer = () => 'hang';
    const p = publisher({ timeoutMs: 10_000 });
    const pending = p.publish(events(1));
    await new Promise((r) => setTimeout(r, 100));
    await p.close();
    expect(await pending).toMatchObject({ acked: 0, error: { retriable: true } });
    expect(await p.publish(events(1))).toMatchObject({ acked: 0, error: { code: 'GATEWAY_CLOSED' } });
  });
});
