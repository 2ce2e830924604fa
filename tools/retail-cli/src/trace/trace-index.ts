import {
  AssignedReader,
  rawSourceOf,
  readDeadLetter,
  TRACE_HEADERS,
  type PartitionRange,
} from '@retail-stream/runtime';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';

/**
 * The trace index: dead letters and ingest's dropped duplicates, findable by event id, in the
 * HQ Postgres `ops` schema. Both topics are small (poison and relay re-sends are rare), so the
 * index is brought up to date incrementally on each `retail trace` (and by `retail jobs`): it
 * reads only what was appended since the last run, from a per-partition position it keeps. The
 * big topics (raw, enriched) are never read: their positions are in hq_inbox (migration 0002).
 */

export const TRACE_INDEX_DDL = [
  `CREATE TABLE IF NOT EXISTS trace_outcomes (
     topic          text        NOT NULL,
     partition      integer     NOT NULL,
     "offset"       bigint      NOT NULL,
     kind           text        NOT NULL CHECK (kind IN ('dead_letter', 'duplicate')),
     event_id       text,
     store_id       text,
     store_seq      bigint,
     source_topic   text,
     source_partition integer,
     source_offset  bigint,
     code           text,
     reason         text,
     processor      text,
     at             timestamptz,
     PRIMARY KEY (topic, partition, "offset")
   )`,
  `CREATE INDEX IF NOT EXISTS trace_outcomes_event ON trace_outcomes (event_id)`,
  `CREATE INDEX IF NOT EXISTS trace_outcomes_store_seq ON trace_outcomes (store_id, store_seq)`,
  `CREATE TABLE IF NOT EXISTS trace_index_positions (
     topic       text    NOT NULL,
     partition   integer NOT NULL,
     next_offset bigint  NOT NULL,
     updated_at  timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (topic, partition)
   )`,
];

/** Creates the index tables if missing (idempotent; `pool`'s search path is the ops schema). */
export async function ensureTraceIndex(pool: pg.Pool): Promise<void> {
  for (const ddl of TRACE_INDEX_DDL) await pool.query(ddl);
}

export interface OutcomeRow {
  topic: string;
  partition: number;
  offset: string;
  kind: 'dead_letter' | 'duplicate';
  event_id: string | null;
  store_id: string | null;
  store_seq: number | null;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: string | null;
  code: string | null;
  reason: string | null;
  processor: string | null;
  at: Date | null;
}

/** Names ingest writes on duplicate records (TRACE_HEADERS, defined once in the runtime). */
const DUP = {
  eventId: TRACE_HEADERS.eventId,
  storeSeq: TRACE_HEADERS.storeSeq,
  seenAt: TRACE_HEADERS.seenAt,
} as const;

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

const num = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

/** One record of the dead-letter topic → its index row (event id from the original headers). Pure. */
export function deadLetterRow(topic: string, partition: number, m: KafkaMessage): OutcomeRow {
  const info = readDeadLetter(m.headers);
  return {
    topic,
    partition,
    offset: m.offset,
    kind: 'dead_letter',
    event_id: header(m.headers, 'event_id') ?? null,
    store_id: m.key?.toString() ?? null,
    store_seq: null,
    source_topic: info?.sourceTopic ?? null,
    source_partition: info?.sourcePartition ?? null,
    source_offset: info?.sourceOffset ?? null,
    code: info?.code ?? null,
    reason: info?.message ?? null,
    processor: info?.processor ?? null,
    at: info?.time ? new Date(info.time) : new Date(Number(m.timestamp)),
  };
}

/**
 * One record of ingest's duplicates topic → its index row. Pure. Where the copy was comes from
 * `ingest.source` or, on records older ingest versions wrote, the three `ingest.source.*` headers
 * (the runtime's rawSourceOf reads both).
 */
export function duplicateRow(
  topic: string,
  partition: number,
  m: KafkaMessage,
  rawTopic: string,
): OutcomeRow {
  const seenAt = num(header(m.headers, DUP.seenAt));
  const source = rawSourceOf(m.headers);
  return {
    topic,
    partition,
    offset: m.offset,
    kind: 'duplicate',
    event_id: header(m.headers, DUP.eventId) ?? header(m.headers, 'event_id') ?? null,
    store_id: m.key?.toString() ?? null,
    store_seq: num(header(m.headers, DUP.storeSeq)),
    source_topic: rawTopic,
    source_partition: source?.partition ?? null,
    source_offset: source?.offset ?? null,
    code: null, // not a rejection: no catalogue code; kind says what it is
    reason: 'store_seq already seen by ingest (a re-sent copy)',
    processor: 'ingest-processor',
    at: new Date(seenAt ?? Number(m.timestamp)),
  };
}

export interface IndexTopics {
  deadLetters: string;
  duplicates: string;
  /** The raw topic (named as the duplicates' source). */
  raw: string;
}

/**
 * Reads what was appended to the two topics since the last catch-up and indexes it. Returns the
 * number of records indexed. A topic that does not exist yet is skipped.
 */
export async function catchUpTraceIndex(
  kafka: Kafka,
  pool: pg.Pool,
  topics: IndexTopics,
  opts: { timeoutMs?: number } = {},
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ranges: PartitionRange[] = [];
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of [topics.deadLetters, topics.duplicates]) {
      if (!existing.has(topic)) continue;
      const ends = await admin.fetchTopicOffsets(topic);
      const { rows } = await pool.query<{ partition: number; next_offset: string }>(
        'SELECT partition, next_offset FROM trace_index_positions WHERE topic = $1',
        [topic],
      );
      const next = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
      for (const p of ends) {
        const from = next.get(p.partition) ?? BigInt(p.low);
        const to = BigInt(p.high);
        if (from < to)
          ranges.push({
            topic,
            partition: p.partition,
            from: from < BigInt(p.low) ? BigInt(p.low) : from,
            to,
          });
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (ranges.length === 0) return 0;

  let indexed = 0;
  const reader = new AssignedReader({
    kafka,
    topics: [...new Set(ranges.map((r) => r.topic))],
    ranges,
    onBatch: async (topic, partition, messages) => {
      const rows = messages.map((m) =>
        topic === topics.deadLetters
          ? deadLetterRow(topic, partition, m)
          : duplicateRow(topic, partition, m, topics.raw),
      );
      await insertOutcomes(pool, rows);
      const last = BigInt(messages.at(-1)!.offset) + 1n;
      await pool.query(
        `INSERT INTO trace_index_positions (topic, partition, next_offset) VALUES ($1, $2, $3)
         ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(trace_index_positions.next_offset, EXCLUDED.next_offset), updated_at = now()`,
        [topic, partition, last.toString()],
      );
      indexed += rows.length;
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await reader.start();
    await Promise.race([
      reader.done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('trace index catch-up timed out')),
          opts.timeoutMs ?? 60_000,
        );
      }),
    ]);
    reader.check();
  } finally {
    clearTimeout(timer);
    await reader.stop();
  }
  // Transaction markers at a partition's end are never handed out: remember the end itself.
  for (const r of ranges) {
    await pool.query(
      `INSERT INTO trace_index_positions (topic, partition, next_offset) VALUES ($1, $2, $3)
       ON CONFLICT (topic, partition) DO UPDATE SET next_offset = GREATEST(trace_index_positions.next_offset, EXCLUDED.next_offset), updated_at = now()`,
      [r.topic, r.partition, r.to.toString()],
    );
  }
  return indexed;
}

async function insertOutcomes(pool: pg.Pool, rows: OutcomeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO trace_outcomes (topic, partition, "offset", kind, event_id, store_id, store_seq, source_topic,
        source_partition, source_offset, code, reason, processor, at)
     SELECT * FROM json_to_recordset($1::json) AS x(topic text, partition integer, "offset" bigint, kind text,
        event_id text, store_id text, store_seq bigint, source_topic text, source_partition integer,
        source_offset bigint, code text, reason text, processor text, at timestamptz)
     ON CONFLICT (topic, partition, "offset") DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** Index rows of one event: by id, or by store and sequence. */
export async function outcomesOf(
  pool: pg.Pool,
  key: { eventId?: string; storeId?: string; storeSeq?: number },
): Promise<OutcomeRow[]> {
  const cols = `topic, partition, "offset"::text AS offset, kind, event_id, store_id, store_seq::int AS store_seq,
     source_topic, source_partition, source_offset::text AS source_offset, code, reason, processor, at`;
  const { rows } =
    key.eventId !== undefined
      ? await pool.query<OutcomeRow>(`SELECT ${cols} FROM trace_outcomes WHERE event_id = $1 ORDER BY at`, [
          key.eventId,
        ])
      : await pool.query<OutcomeRow>(
          `SELECT ${cols} FROM trace_outcomes WHERE store_id = $1 AND store_seq = $2 ORDER BY at`,
          [key.storeId, key.storeSeq],
        );
  return rows;
}
