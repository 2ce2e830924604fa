import { AvroSerde } from '@retail-stream/runtime';
import { waitFor, type Received } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { afterEach, beforeAll } from 'vitest';
import { checkDelivery, type DeliveryReport } from './delivery-check.ts';
import {
  decodeAll,
  publishedState,
  REGISTRY,
  registerCatalogue,
  setupStoreAndTopic,
  startRelay,
  type Cleanup,
  type InProcessRelay,
} from './harness.ts';

/** What an integration test file of the relay gets from `useRelaySuite`. */
export interface RelaySuite {
  /** Decodes what the relay published (the shared registry). */
  serde: AvroSerde;
  /** Teardowns, run in reverse after each test. */
  cleanup: Cleanup;
  /** A fresh store database, topic and collector, torn down after the test (see setupStoreAndTopic). */
  setup: (partitions?: number, maxMessageBytes?: number) => ReturnType<typeof setupStoreAndTopic>;
  /** The relay in this process, stopped after the test. */
  relay: (env: Record<string, string>, opts?: { kafka?: Kafka }) => Promise<InProcessRelay>;
  /** Waits until the store's outbox has no unpublished row. */
  allMarked: (db: { pool: pg.Pool; storeId: string }, what?: string, timeoutMs?: number) => Promise<void>;
  /** Decodes records and checks their store_seq sequence against `count` events written. */
  delivery: (
    messages: readonly Received[],
    count: number,
  ) => Promise<{ decoded: StoreEvent[]; report: DeliveryReport }>;
}

/**
 * The fixture every relay integration file starts from: the catalogue registered once, teardowns
 * after each test, and the waits and checks the delivery tests share.
 */
export function useRelaySuite(): RelaySuite {
  const cleanup: Cleanup = [];
  const serde = AvroSerde.fromConfig(REGISTRY);
  beforeAll(async () => {
    await registerCatalogue();
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
  });
  return {
    serde,
    cleanup,
    setup: (partitions = 1, maxMessageBytes?: number) =>
      setupStoreAndTopic(cleanup, partitions, maxMessageBytes),
    async relay(env, opts = {}) {
      const r = await startRelay(env, opts);
      cleanup.push(() => r.stop());
      return r;
    },
    async allMarked(db, what = 'all marked', timeoutMs) {
      await waitFor(async () => (await publishedState(db.pool, db.storeId)).unpublished === 0, {
        what,
        timeoutMs,
      });
    },
    async delivery(messages, count) {
      const decoded = await decodeAll(serde, messages);
      return {
        decoded,
        report: checkDelivery(
          decoded.map((e) => e.store_seq),
          count,
        ),
      };
    },
  };
}
