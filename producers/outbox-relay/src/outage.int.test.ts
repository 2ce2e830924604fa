import { waitFor } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import {
  insertOutbox,
  KafkaFaults,
  metricValue,
  publishedState,
  relayStatusRow,
  testRelayEnv,
} from '../test/harness.ts';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { useRelaySuite } from '../test/relay-suite.ts';

/**
 * Broker outages without stopping the shared broker: the relay's Kafka client gets a socket
 * factory that, while "down", refuses new connections and cuts the open ones — from the relay's
 * side indistinguishable from the broker host going away.
 */
const suite = useRelaySuite();
const { relay, allMarked, delivery } = suite;

async function setup() {
  const store = await suite.setup();
  const faults = await new KafkaFaults().init();
  return { ...store, faults };
}

describe('Kafka unreachable', () => {
  it('keeps the backlog, reports OFFLINE, and drains it in order when Kafka is back', async () => {
    const { db, topic, collector, faults } = await setup();
    const factory = new StoreEventFactory(db.storeId);
    const r = await relay(testRelayEnv(db.storeId, topic), { kafka: faults.kafka() });

    await insertOutbox(db.pool, factory.mixed(100));
    await collector.waitForCount(100);
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'ONLINE', {
      what: 'ONLINE',
    });

    faults.cut();
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'OFFLINE', {
      what: 'OFFLINE',
      timeoutMs: 20_000,
    });
    const offline = await relayStatusRow(db.pool, db.storeId);
    expect(offline?.last_error).toMatch(/KAFKA_/);
    expect(r.service.readiness()).toMatch(/OFFLINE/);

    // The store keeps selling: the backlog grows and the gauges show it.
    for (let i = 0; i < 4; i++) {
      await insertOutbox(db.pool, factory.mixed(100));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await waitFor(async () => metricValue(await r.metricsText(), 'retail_outbox_backlog_rows') === 400, {
      what: 'backlog gauge 400',
    });
    const metrics = await r.metricsText();
    expect(metricValue(metrics, 'retail_relay_online')).toBe(0);
    expect(metricValue(metrics, 'retail_outbox_oldest_unpublished_age_seconds')).toBeGreaterThan(0);
    // OFFLINE is not "no relay": the heartbeat (row and metric) keeps moving during the outage.
    const heartbeat = metricValue(metrics, 'retail_relay_last_heartbeat_timestamp_seconds') ?? 0;
    expect(Date.now() / 1000 - heartbeat).toBeLessThan(15);
    expect((await relayStatusRow(db.pool, db.storeId))?.age_s).toBeLessThan(15);
    expect(collector.messages).toHaveLength(100);
    expect((await publishedState(db.pool, db.storeId)).unpublished).toBe(400);
    // The head row carries the attempts and the reason.
    const { rows } = await db.pool.query<{
      publish_attempts: number;
      last_error: string;
      next_attempt_at: Date | null;
    }>(
      'SELECT publish_attempts, last_error, next_attempt_at FROM outbox WHERE store_id = $1 AND store_seq = 101',
      [db.storeId],
    );
    expect(rows[0]!.publish_attempts).toBeGreaterThanOrEqual(1);
    expect(rows[0]!.last_error).toMatch(/KAFKA_/);

    faults.restore();
    await collector.waitForCount(500);
    await allMarked(db, 'drained');
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'ONLINE', {
      what: 'ONLINE again',
    });
    expect((await delivery(collector.messages, 500)).report).toMatchObject({ ok: true, duplicates: 0 });
    const { rows: after } = await db.pool.query(
      'SELECT 1 FROM outbox WHERE store_id = $1 AND last_error IS NOT NULL',
      [db.storeId],
    );
    expect(after).toHaveLength(0);
  });

  it('an outage in the middle of publishing loses nothing and keeps order', async () => {
    const { db, topic, collector, faults } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(6_000);
    await insertOutbox(db.pool, events);
    await relay(testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '300' }), { kafka: faults.kafka() });

    await waitFor(() => collector.messages.length >= 500, { what: 'publishing under way' });
    faults.cut();
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'OFFLINE', {
      what: 'OFFLINE',
      timeoutMs: 20_000,
    });
    const stuckAt = collector.messages.length;
    expect(stuckAt).toBeLessThan(events.length);
    faults.restore();

    await collector.waitForCount(events.length);
    await allMarked(db, 'drained');
    const { report } = await delivery(collector.messages, events.length);
    expect(report.problems).toEqual([]);
    // The chunk in flight at the cut is re-sent with the same producer id and sequence numbers, so
    // the broker drops it if it had been written: no duplicates even across the outage.
    expect(report.duplicates).toBe(0);
    expect(await publishedState(db.pool, db.storeId)).toEqual({
      published: events.length,
      unpublished: 0,
      cursor: events.length,
    });
  });

  it('a request written by the broker whose answer is lost is not duplicated (idempotent re-send)', async () => {
    const { db, topic, collector, faults } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(6_000);
    await insertOutbox(db.pool, events);
    const r = await relay(
      testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '300', RELAY_KAFKA_SEND_RETRIES: '1' }),
      { kafka: faults.kafka({ requestTimeoutMs: 1_500 }) },
    );

    await waitFor(() => collector.messages.length >= 500, { what: 'publishing under way' });
    faults.swallowResponses();
    // The broker appends what the relay sends, but the relay never hears back, so never marks it.
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'OFFLINE', {
      what: 'OFFLINE',
      timeoutMs: 20_000,
    });
    await waitFor(
      async () => collector.messages.length > (await publishedState(db.pool, db.storeId)).published,
      {
        what: 'records in Kafka that the relay has not marked',
      },
    );
    // Long enough for kafkajs to give up on its own retries: the relay's retry must do it.
    await waitFor(() => r.lines.some((l) => /publish failed/.test(l.msg)), {
      what: 'a failed publish',
      timeoutMs: 20_000,
    });
    faults.restore();

    await collector.waitForCount(events.length);
    await allMarked(db, 'drained');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { report } = await delivery(collector.messages, events.length);
    expect(report.problems).toEqual([]);
    expect(report.duplicates).toBe(0);
    expect(r.lines.some((l) => /re-sending the unacknowledged chunk/.test(l.msg))).toBe(true);
  });
});
