import { seededRandom } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type pg from 'pg';
import { enrich } from './harness.ts';

/** Enriched events of `stores` stores, `perStore` each, store order kept per store. */
export function storeLoad(prefix: string, stores: number, perStore: number, seed = 1): StoreEvent[][] {
  return Array.from({ length: stores }, (_, s) =>
    new StoreEventFactory(`${prefix}_${s}`, seededRandom(seed + s)).mixed(perStore).map((e) => enrich(e)),
  );
}

/** Round-robin over the stores in chunks, so every chunk holds events of every store, each in order. */
export function interleave(perStore: StoreEvent[][], chunk: number): StoreEvent[] {
  const out: StoreEvent[] = [];
  const longest = Math.max(...perStore.map((s) => s.length));
  for (let i = 0; i < longest; i += chunk) for (const s of perStore) out.push(...s.slice(i, i + chunk));
  return out;
}

/** Sums that double application would inflate (row counts alone cannot see it). */
export async function additiveTotals(pool: pg.Pool) {
  const { rows } = await pool.query<{ events: string; refunded: string; refunds: string; voided: string }>(
    `SELECT (SELECT COALESCE(sum(events_total), 0) FROM stores) AS events,
            (SELECT COALESCE(sum(refunded_minor), 0) FROM hq_transactions) AS refunded,
            (SELECT COALESCE(sum(refund_count), 0) FROM hq_transactions) AS refunds,
            (SELECT count(*) FROM hq_transactions WHERE status = 'VOIDED') AS voided`,
  );
  const r = rows[0]!;
  return {
    events: Number(r.events),
    refunded: Number(r.refunded),
    refunds: Number(r.refunds),
    voided: Number(r.voided),
  };
}

export function expectedTotals(events: StoreEvent[]) {
  let refunded = 0;
  let refunds = 0;
  let voided = 0;
  for (const e of events) {
    if (e.event_type === 'SaleRefunded') {
      refunded += e.amount_minor;
      refunds += 1;
    }
    if (e.event_type === 'SaleVoided' && e.was_paid) voided += 1;
  }
  return { events: events.length, refunded, refunds, voided };
}
