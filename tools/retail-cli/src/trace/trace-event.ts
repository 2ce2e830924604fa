import type { ClickHouseClient } from '@clickhouse/client';
import { PG_SCHEMA_NAME } from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { kpiHops } from './kpi-hops.ts';
import {
  cassandraRow,
  clickhouseRow,
  hqRow,
  keysOfPayload,
  type EventKeys,
  type SinkRow,
} from './sink-rows.ts';
import type { StoreDatabases } from './store-outbox.ts';
import { buildTimeline, type InboxRow, type TraceFindings, type TraceResult } from './timeline.ts';
import { catchUpTraceIndex, outcomesOf, type OutcomeRow } from './trace-index.ts';

export interface TraceTopics {
  raw: string;
  enriched: string;
  deadLetters: string;
  duplicates: string;
}

/** The connections a trace reads; everything but the HQ database is optional (that hop is then skipped). */
export interface TraceDeps {
  /** HQ database, no search path (tables are schema-qualified). */
  hq: pg.Pool;
  hqSchema: string;
  /** The ops schema (search path) holding the trace index. */
  ops: pg.Pool;
  clickhouse?: ClickHouseClient;
  cassandra?: { client: () => Promise<cassandra.Client>; keyspace: string };
  stores: StoreDatabases;
  /** Set: bring the dead-letter/duplicate index up to date first (reads only their new records). */
  kafka?: Kafka;
  topics: TraceTopics;
}

export type TraceKey = { eventId: string } | { storeId: string; storeSeq: number };

async function inboxOf(deps: TraceDeps, key: TraceKey): Promise<InboxRow | undefined> {
  if (!PG_SCHEMA_NAME.test(deps.hqSchema)) throw new RangeError(`invalid schema name '${deps.hqSchema}'`);
  const cols = `event_id, store_id, store_seq::int AS store_seq, event_type, occurred_at, received_at,
    source_partition, source_offset::text AS source_offset, raw_partition, raw_offset::text AS raw_offset, raw_at, enriched_at`;
  const { rows } =
    'eventId' in key
      ? await deps.hq.query<InboxRow>(`SELECT ${cols} FROM "${deps.hqSchema}".hq_inbox WHERE event_id = $1`, [
          key.eventId,
        ])
      : await deps.hq.query<InboxRow>(
          `SELECT ${cols} FROM "${deps.hqSchema}".hq_inbox WHERE store_id = $1 AND store_seq = $2`,
          [key.storeId, key.storeSeq],
        );
  return rows[0];
}

/** Stores HQ knows of (for an event id nobody at HQ has seen: ask each store's database). */
async function knownStores(deps: TraceDeps): Promise<string[]> {
  const { rows } = await deps.hq.query<{ store_id: string }>(
    `SELECT store_id FROM "${deps.hqSchema}".stores ORDER BY store_id`,
  );
  return rows.map((r) => r.store_id);
}

/**
 * Follows one event from its store's outbox to every sink and KPI window, from indexes only:
 * hq_inbox (by id or store+seq) for the raw and enriched positions, the trace index for dead
 * letters and duplicates, the sinks' primary keys, the store's outbox by its unique id.
 */
export async function traceEvent(
  deps: TraceDeps,
  key: TraceKey,
  opts: { storeHint?: string } = {},
): Promise<TraceResult> {
  const [inbox] = await Promise.all([
    inboxOf(deps, key),
    deps.kafka
      ? catchUpTraceIndex(deps.kafka, deps.ops, {
          deadLetters: deps.topics.deadLetters,
          duplicates: deps.topics.duplicates,
          raw: deps.topics.raw,
        })
      : Promise.resolve(0),
  ]);
  let outcomes: OutcomeRow[] = await outcomesOf(deps.ops, 'eventId' in key ? { eventId: key.eventId } : key);

  let storeId =
    'storeId' in key
      ? key.storeId
      : (inbox?.store_id ?? outcomes.find((o) => o.store_id)?.store_id ?? opts.storeHint);
  const f: TraceFindings = {
    eventId: 'eventId' in key ? key.eventId : (inbox?.event_id ?? null),
    storeId: storeId ?? null,
    storeSeq: 'storeSeq' in key ? key.storeSeq : (inbox?.store_seq ?? null),
    eventType: inbox?.event_type ?? null,
    occurredAt: inbox?.occurred_at ?? null,
    inbox,
    outcomes,
    sinks: [],
    kpi: [],
    topics: { raw: deps.topics.raw, enriched: deps.topics.enriched },
  };

  // The store's outbox row: when it was committed and published.
  const outboxKey = 'eventId' in key ? { eventId: key.eventId } : { storeSeq: key.storeSeq };
  if (storeId !== undefined) {
    const { row, error } = await deps.stores.find(storeId, outboxKey);
    f.outbox = row;
    if (error) f.outboxNote = `not read (${error})`;
    else if (!row) f.outboxNote = 'no outbox row (retention may have removed it)';
  } else if ('eventId' in key) {
    // Nothing at HQ knows the event: look in every store's outbox (one indexed query each).
    const stores = await knownStores(deps);
    const found = await Promise.all(
      stores.map(async (s) => ({ s, r: await deps.stores.find(s, outboxKey) })),
    );
    const hit = found.find((x) => x.r.row);
    if (hit) {
      storeId = hit.s;
      f.storeId = hit.s;
      f.outbox = hit.r.row;
    } else {
      f.outboxNote = `not in the outbox of any of the ${stores.length} stores HQ knows`;
    }
  }
  if (f.outbox) {
    f.eventId ??= f.outbox.event_id;
    f.storeSeq ??= f.outbox.store_seq;
    f.eventType ??= f.outbox.event_type;
    f.occurredAt ??= f.outbox.occurred_at;
    // Found by store+seq: dead letters are indexed by event id only (their values may not decode).
    if (!('eventId' in key) && outcomes.length === 0) {
      outcomes = await outcomesOf(deps.ops, { eventId: f.outbox.event_id });
      f.outcomes = outcomes;
    }
  }
  const dup = outcomes.find((o) => o.store_seq !== null);
  f.storeSeq ??= dup?.store_seq ?? null;
  f.eventId ??= outcomes.find((o) => o.event_id)?.event_id ?? null;

  if (inbox && f.eventId && f.storeId && f.eventType) {
    f.sinks = await sinkRows(
      deps,
      { eventId: f.eventId, storeId: f.storeId, eventType: f.eventType, storeSeq: f.storeSeq ?? 0 },
      keysOfPayload(f.outbox?.payload),
    );
    if (f.occurredAt) {
      f.kpi = await kpiHops(deps.hq, deps.hqSchema, {
        storeId: f.storeId,
        occurredAt: f.occurredAt,
        enrichedAt: inbox.enriched_at ?? inbox.received_at,
      });
    }
  }
  return buildTimeline(f);
}

async function sinkRows(
  deps: TraceDeps,
  ev: { eventId: string; storeId: string; eventType: string; storeSeq: number },
  keys: EventKeys,
): Promise<SinkRow[]> {
  const failed =
    (sink: SinkRow['sink']) =>
    (err: unknown): SinkRow => ({
      sink,
      table: '?',
      found: false,
      detail: `not read: ${(err as Error).message}`,
    });
  const [hq, ch] = await Promise.all([
    hqRow(deps.hq, deps.hqSchema, ev, keys).catch(failed('postgres')),
    deps.clickhouse ? clickhouseRow(deps.clickhouse, ev).catch(failed('clickhouse')) : undefined,
  ]);
  const out: SinkRow[] = [hq];
  if (ch) out.push(ch);
  if (deps.cassandra) {
    const tx =
      keys.transaction_id ??
      (hq.row?.transaction_id as string | undefined) ??
      (ch?.row?.transaction_id as string | undefined);
    const c = deps.cassandra;
    out.push(
      await c
        .client()
        .then((client) => cassandraRow(client, c.keyspace, ev, { ...keys, transaction_id: tx }))
        .catch(failed('cassandra')),
    );
  }
  return out;
}
