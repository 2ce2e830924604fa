import type { IHeaders } from 'kafkajs';

/**
 * Header names ingest adds so `retail trace` finds an event's raw record without scanning topics:
 * every enriched record and every duplicate record names the raw record it came from. Defined once
 * here with their one parser (rawSourceOf): ingest writes them, the Postgres sink keeps them in
 * hq_inbox, the trace index and the span export read them.
 */
export const TRACE_HEADERS = {
  /**
   * Where the raw record was, in ONE header: `<partition>/<offset>/<timestamp ms>` (formatSourceHeader).
   * One header instead of three because kafkajs encodes every header of every record with buffers
   * of its own (docs/BENCHMARKS.md, "Fewer headers").
   */
  source: 'ingest.source',
  /** On duplicate records only: the event id and store_seq that ingest dropped. */
  eventId: 'ingest.event_id',
  storeSeq: 'ingest.store_seq',
  /** On duplicate records only: when ingest saw the copy (ms). */
  seenAt: 'ingest.seen_at',
} as const;

/**
 * The three headers ingest wrote before `ingest.source` (topics keep a week of records, and
 * replays re-read older ones): read by rawSourceOf, never written.
 */
export const LEGACY_SOURCE_HEADERS = {
  partition: 'ingest.source.partition',
  offset: 'ingest.source.offset',
  /** The raw record's Kafka timestamp (ms): when the relay's copy reached the broker. */
  timestamp: 'ingest.source.timestamp',
} as const;

/** Where the raw record of an enriched (or duplicate) record was. */
export interface RawSource {
  partition: number;
  /** Decimal int64, as Kafka offsets are strings in kafkajs. */
  offset: string;
  /** The raw record's broker timestamp, epoch ms; null when it had none (-1) or it was unreadable. */
  timestamp: number | null;
}

const MAX_PARTITION = '2147483647';
const MAX_OFFSET = '9223372036854775807';
/** 15 digits: any epoch ms until year 33658, and always a safe integer. */
const MAX_TIMESTAMP_DIGITS = 15;
/** The longest valid value: partition, offset and timestamp at their maximum widths, two slashes. */
const MAX_SOURCE_LENGTH = MAX_PARTITION.length + 1 + MAX_OFFSET.length + 1 + MAX_TIMESTAMP_DIGITS;

/**
 * The `ingest.source` value. A timestamp that is not a non-negative integer (Kafka's -1, "none")
 * is written empty; partition and offset come from the consumer, so they are well formed.
 */
export function formatSourceHeader(partition: number, offset: string, timestamp: string): string {
  return `${partition}/${offset}/${isCanonicalUint(timestamp, 0, timestamp.length, MAX_TIMESTAMP_DIGITS) ? timestamp : ''}`;
}

/**
 * Strict parse of an `ingest.source` value: `<partition>/<offset>/<timestamp>`, each a decimal
 * without sign or leading zero, partition ≤ int32, offset ≤ int64, timestamp ≤ 15 digits or empty.
 * Anything else → undefined (never throws: sinks call it per record).
 */
export function parseSourceHeader(value: string | Buffer | undefined | null): RawSource | undefined {
  if (value === undefined || value === null || value.length > MAX_SOURCE_LENGTH) return undefined;
  const text = typeof value === 'string' ? value : value.toString('latin1');
  const a = text.indexOf('/');
  const b = a < 0 ? -1 : text.indexOf('/', a + 1);
  if (b < 0) return undefined;
  if (!isCanonicalUint(text, 0, a, MAX_PARTITION.length) || !withinMax(text, 0, a, MAX_PARTITION))
    return undefined;
  if (!isCanonicalUint(text, a + 1, b, MAX_OFFSET.length) || !withinMax(text, a + 1, b, MAX_OFFSET))
    return undefined;
  const noTimestamp = b + 1 === text.length;
  if (!noTimestamp && !isCanonicalUint(text, b + 1, text.length, MAX_TIMESTAMP_DIGITS)) return undefined;
  return {
    partition: Number(text.slice(0, a)),
    offset: text.slice(a + 1, b),
    timestamp: noTimestamp ? null : Number(text.slice(b + 1)),
  };
}

function one(headers: IHeaders | undefined, name: string): string | Buffer | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
}

const text = (v: string | Buffer | undefined): string | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? v : v.toString('latin1');

/**
 * The raw source a record's headers name, or undefined (no such headers, an invalid value, other
 * producers). `ingest.source` wins when present, even when invalid (it is what ingest wrote last;
 * older headers next to it would be copies of the raw record's, not ingest's); else the legacy
 * three, where an unreadable timestamp is null as before.
 */
export function rawSourceOf(headers: IHeaders | undefined): RawSource | undefined {
  if (headers?.[TRACE_HEADERS.source] !== undefined)
    return parseSourceHeader(one(headers, TRACE_HEADERS.source));
  const p = text(one(headers, LEGACY_SOURCE_HEADERS.partition));
  const o = text(one(headers, LEGACY_SOURCE_HEADERS.offset));
  if (p === undefined || o === undefined) return undefined;
  if (!isCanonicalUint(p, 0, p.length, MAX_PARTITION.length) || !withinMax(p, 0, p.length, MAX_PARTITION)) {
    return undefined;
  }
  if (!isCanonicalUint(o, 0, o.length, MAX_OFFSET.length) || !withinMax(o, 0, o.length, MAX_OFFSET))
    return undefined;
  const t = text(one(headers, LEGACY_SOURCE_HEADERS.timestamp));
  return {
    partition: Number(p),
    offset: o,
    timestamp: t !== undefined && isCanonicalUint(t, 0, t.length, MAX_TIMESTAMP_DIGITS) ? Number(t) : null,
  };
}

/** s[from, to) is 1..maxDigits ASCII digits without a leading zero (except "0" itself). */
function isCanonicalUint(s: string, from: number, to: number, maxDigits: number): boolean {
  const n = to - from;
  if (n < 1 || n > maxDigits) return false;
  if (n > 1 && s.charCodeAt(from) === 48) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A canonical digit run s[from, to) is ≤ max (same length: digit-wise comparison). */
function withinMax(s: string, from: number, to: number, max: string): boolean {
  if (to - from < max.length) return true;
  return s.slice(from, to) <= max;
}
