import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { insertOutbox, metricValue, publishedState, relayStatusRow, testRelayEnv } from '../test/harness.ts';
import { useRelaySuite } from '../test/relay-suite.ts';

const { setup, relay, delivery } = useRelaySuite();

/** The test topic's max.message.bytes: the broker refuses record batches above it. */
const TOPIC_MAX_BYTES = 36_000;
/** The oversized row's cashier_id: its record alone is above TOPIC_MAX_BYTES (a valid Avro string). */
const BIG_CASHIER_ID = 'x'.repeat(40_000);
const ROWS = 30;
/** The oversized row's store_seq. */
const BIG = 12;
/** Bounded waits: the relay before OUTBOX_EVENT_TOO_LARGE retried such a row forever; that must fail, not hang. */
const WAIT_MS = 15_000;

/**
 * Rows 1..ROWS with row BIG too large for the topic: rows before it are published exactly once,
 * nothing from it on; the store is reported blocked with OUTBOX_EVENT_TOO_LARGE; after the
 * operator's fix (the row's payload replaced by a small one) the rest follow in order, exactly once.
 */
async function blockedThenFixed(envOverrides: Record<string, string>, limit: RegExp) {
  const { db, topic, collector } = await setup(1, TOPIC_MAX_BYTES);
  const events = new StoreEventFactory(db.storeId).mixed(ROWS);
  const big = events[BIG - 1]!;
  await insertOutbox(db.pool, events, {
    payloadOverride: (e) => (e.store_seq === BIG ? { ...e, cashier_id: BIG_CASHIER_ID } : e),
  });
  const r = await relay(testRelayEnv(db.storeId, topic, envOverrides));

  await collector.waitForCount(BIG - 1, WAIT_MS);
  let seen: unknown;
  const status = await waitFor(
    async () => {
      const s = await relayStatusRow(db.pool, db.storeId);
      seen = s;
      return s?.status === 'OFFLINE' && s.last_error?.startsWith('BLOCKED') ? s : undefined;
    },
    { what: 'relay_status OFFLINE, BLOCKED', timeoutMs: WAIT_MS },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; relay_status was ${JSON.stringify(seen)}`);
  });
  const said = new RegExp(
    `^BLOCKED at store_seq ${BIG}: OUTBOX_EVENT_TOO_LARGE: outbox event of store ${db.storeId} ` +
      `at store_seq ${BIG} \\(${big.event_type}, event_id ${big.event_id}\\) is (\\d+) bytes`,
  );
  expect(status.last_error).toMatch(said);
  expect(Number(said.exec(status.last_error!)![1])).toBeGreaterThan(BIG_CASHIER_ID.length);
  expect(status.last_error).toMatch(limit);

  const metrics = await r.metricsText();
  expect(metricValue(metrics, 'retail_relay_blocked')).toBe(1);
  expect(metrics).toMatch(/retail_relay_publish_errors_total\{code="OUTBOX_EVENT_TOO_LARGE"[^}]*\} [1-9]/);
  expect(r.service.readiness()).toBe(`store blocked at store_seq ${BIG} (OUTBOX_EVENT_TOO_LARGE)`);
  const { rows } = await db.pool.query<{ last_error: string }>(
    'SELECT last_error FROM outbox WHERE store_id = $1 AND store_seq = $2',
    [db.storeId, BIG],
  );
  expect(rows[0]!.last_error).toMatch(/^OUTBOX_EVENT_TOO_LARGE: outbox event of store/);
  const alert = r.lines.find(
    (l) => l.level === 'error' && /publishing for this store is STOPPED/.test(l.msg),
  );
  expect(alert).toMatchObject({ store_seq: BIG, code: 'OUTBOX_EVENT_TOO_LARGE', event_id: big.event_id });

  // Several re-checks (RELAY_BLOCKED_RECHECK_MS is 300 in tests) later, still nothing from BIG on.
  await sleep(1_500);
  const before = await delivery(collector.messages, BIG - 1);
  expect(before.report).toMatchObject({ ok: true, duplicates: 0 });
  expect(before.decoded).toEqual(events.slice(0, BIG - 1));
  expect(await publishedState(db.pool, db.storeId)).toEqual({
    published: BIG - 1,
    unpublished: ROWS - BIG + 1,
    cursor: BIG - 1,
  });

  // The operator's fix: the row gets a payload of a sensible size (here: the one it should have had).
  await db.pool.query('UPDATE outbox SET payload = $3 WHERE store_id = $1 AND store_seq = $2', [
    db.storeId,
    BIG,
    JSON.stringify(big),
  ]);
  await collector.waitForCount(ROWS, WAIT_MS);
  await waitFor(async () => (await publishedState(db.pool, db.storeId)).unpublished === 0, {
    what: 'all rows marked',
    timeoutMs: WAIT_MS,
  });
  const after = await delivery(collector.messages, ROWS);
  expect(after.report).toMatchObject({ ok: true, duplicates: 0 });
  expect(after.decoded).toEqual(events);
  await waitFor(async () => metricValue(await r.metricsText(), 'retail_relay_blocked') === 0, {
    what: 'unblocked',
    timeoutMs: WAIT_MS,
  });
  await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'ONLINE', {
    what: 'ONLINE again',
    timeoutMs: WAIT_MS,
  });
  expect(r.service.readiness()).toBe(true);
  return r;
}

describe('outbox relay: an event too large to publish (real Postgres, broker, registry)', () => {
  it('never sends an event above RELAY_MAX_REQUEST_BYTES: publishes the rows before it, blocks, resumes once fixed', async () => {
    // The relay's limit below the topic's, as configured in production.
    await blockedThenFixed(
      { RELAY_MAX_REQUEST_BYTES: '32768' },
      /the limit is 32768 bytes \(RELAY_MAX_REQUEST_BYTES/,
    );
  });

  it('blocks the same way when the broker refuses the event alone (topic limit below RELAY_MAX_REQUEST_BYTES)', async () => {
    // Default RELAY_MAX_REQUEST_BYTES (900,000): the relay's own check lets the event through, the
    // topic's 36,000 refuses it. The first chunk (the whole batch) is refused too and gets split.
    const r = await blockedThenFixed(
      {},
      /the broker refused it alone \(MESSAGE_TOO_LARGE\): topic relay-test/,
    );
    const split = r.lines.find((l) => l.level === 'warn' && /refused a chunk as too large/.test(l.msg));
    expect(split).toMatchObject({ from_seq: 1, events: ROWS });
  });
});
