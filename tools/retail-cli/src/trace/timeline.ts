import type { KpiHop } from './kpi-hops.ts';
import type { SinkRow } from './sink-rows.ts';
import type { OutboxRow } from './store-outbox.ts';
import type { OutcomeRow } from './trace-index.ts';

/** The HQ inbox row of an applied event (sinks/postgres migrations 0001 + 0002). */
export interface InboxRow {
  event_id: string;
  store_id: string;
  store_seq: number;
  event_type: string;
  occurred_at: Date;
  received_at: Date;
  source_partition: number;
  source_offset: string;
  raw_partition: number | null;
  raw_offset: string | null;
  raw_at: Date | null;
  enriched_at: Date | null;
}

/** Everything found about one event; the input of the timeline. */
export interface TraceFindings {
  eventId: string | null;
  storeId: string | null;
  storeSeq: number | null;
  eventType: string | null;
  occurredAt: Date | null;
  outbox?: OutboxRow;
  /** Why the store's database was not read (unreachable, store unknown). */
  outboxNote?: string;
  inbox?: InboxRow;
  outcomes: OutcomeRow[];
  sinks: SinkRow[];
  kpi: KpiHop[];
  topics: { raw: string; enriched: string };
}

/** One stop on the event's path. `at` null: the stop is known but has no time of its own. */
export interface Hop {
  hop: string;
  at: Date | null;
  /** ms since the previous hop with a time; null for the first or an untimed hop. */
  sincePreviousMs: number | null;
  where: string;
  detail: string;
}

export type Outcome = 'enriched' | 'dead_letter' | 'pending' | 'unknown';

export interface TraceResult {
  found: boolean;
  event_id: string | null;
  store_id: string | null;
  store_seq: number | null;
  event_type: string | null;
  occurred_at: Date | null;
  /** What ingest did with the event: enriched (also when copies were dropped as duplicates), dead-lettered, not seen yet. */
  outcome: Outcome;
  duplicates: number;
  hops: Hop[];
  /** ms from the store's commit to the last timed hop. */
  total_ms: number | null;
  findings: TraceFindings;
}

const at = (p: number | null | undefined, o: string | null | undefined) =>
  p === null || p === undefined || o === null || o === undefined ? '?' : `${p}/${o}`;

/** Builds the ordered timeline from the findings. Pure. */
export function buildTimeline(f: TraceFindings): TraceResult {
  const hops: Omit<Hop, 'sincePreviousMs'>[] = [];
  const { outbox, inbox } = f;
  if (outbox) {
    hops.push({
      hop: 'store outbox',
      at: outbox.created_at,
      where: `store ${outbox.store_id} seq ${outbox.store_seq}`,
      detail: `committed (event time ${outbox.occurred_at.toISOString()})`,
    });
    hops.push({
      hop: 'relay published',
      at: outbox.published_at,
      where: `store ${outbox.store_id}`,
      detail: outbox.published_at
        ? `attempts ${outbox.publish_attempts}`
        : `NOT PUBLISHED (attempts ${outbox.publish_attempts}${outbox.last_error ? `, last error: ${outbox.last_error}` : ''})`,
    });
  }
  const deadLetters = f.outcomes.filter((o) => o.kind === 'dead_letter');
  const duplicates = f.outcomes.filter((o) => o.kind === 'duplicate');
  if (inbox) {
    hops.push({
      hop: 'raw topic',
      at: inbox.raw_at,
      where: `${f.topics.raw} ${at(inbox.raw_partition, inbox.raw_offset)}`,
      detail:
        inbox.raw_partition === null
          ? 'position not recorded (event applied before trace headers)'
          : 'appended',
    });
    hops.push({
      hop: 'ingest enriched',
      at: inbox.enriched_at,
      where: `${f.topics.enriched} ${at(inbox.source_partition, inbox.source_offset)}`,
      detail: 'validated, deduplicated, enriched',
    });
  }
  for (const d of duplicates) {
    hops.push({
      hop: 'ingest duplicate',
      at: d.at,
      where: `${d.source_topic ?? f.topics.raw} ${at(d.source_partition, d.source_offset)}`,
      detail: `a re-sent copy, dropped (indexed at ${d.topic} ${d.partition}/${d.offset})`,
    });
  }
  for (const d of deadLetters) {
    hops.push({
      hop: 'dead letter',
      at: d.at,
      where: `${d.topic} ${d.partition}/${d.offset}`,
      detail: `${d.code ?? '?'} by ${d.processor ?? '?'} from ${d.source_topic ?? '?'} ${at(d.source_partition, d.source_offset)}: ${d.reason ?? ''}`,
    });
  }
  if (inbox) {
    hops.push({ hop: 'postgres inbox', at: inbox.received_at, where: 'hq_inbox', detail: 'applied once' });
  }
  for (const s of f.sinks) {
    hops.push({
      hop: `${s.sink} row`,
      at: null,
      where: s.table,
      detail: s.found ? describeRow(s.row) : `MISSING${s.detail ? ` (${s.detail})` : ''}`,
    });
  }
  for (const k of f.kpi) {
    hops.push({
      hop: `kpi ${k.window_size}`,
      at: k.updated_at,
      where: `${k.scope} ${k.window_start.toISOString()}`,
      detail: `revision ${k.revision}${k.is_final ? ' final' : ''}${k.counted ? '' : ' (revision older than the event: not counted yet)'}`,
    });
  }
  // Hops keep their logical order; time deltas run between consecutive timed hops.
  let prev: Date | null = null;
  const timed = hops.map((h) => {
    const since = h.at && prev ? h.at.getTime() - prev.getTime() : null;
    if (h.at) prev = h.at;
    return { ...h, sincePreviousMs: since };
  });
  const first = timed.find((h) => h.at)?.at ?? null;
  const found = outbox !== undefined || inbox !== undefined || f.outcomes.length > 0;
  return {
    found,
    event_id: f.eventId,
    store_id: f.storeId,
    store_seq: f.storeSeq,
    event_type: f.eventType,
    occurred_at: f.occurredAt,
    outcome: inbox ? 'enriched' : deadLetters.length > 0 ? 'dead_letter' : outbox ? 'pending' : 'unknown',
    duplicates: duplicates.length,
    hops: timed,
    total_ms: first && prev ? (prev as Date).getTime() - first.getTime() : null,
    findings: f,
  };
}

function describeRow(row: Record<string, unknown> | undefined): string {
  if (!row) return 'present';
  return Object.entries(row)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : String(v)}`)
    .join(' ');
}

/** The human timeline. Pure. */
export function renderTimeline(r: TraceResult): string {
  const head =
    `event ${r.event_id ?? '?'}  ${r.event_type ?? '?'}  store ${r.store_id ?? '?'} seq ${r.store_seq ?? '?'}` +
    `\noutcome: ${r.outcome}${r.duplicates > 0 ? ` (${r.duplicates} duplicate cop${r.duplicates === 1 ? 'y' : 'ies'} dropped)` : ''}` +
    (r.total_ms !== null ? `  store commit → last hop: ${r.total_ms} ms` : '') +
    (r.findings.outboxNote ? `\nstore database: ${r.findings.outboxNote}` : '');
  const rows = r.hops.map((h) => [
    h.at ? h.at.toISOString() : '',
    h.sincePreviousMs === null ? '' : `+${h.sincePreviousMs} ms`,
    h.hop,
    h.where,
    h.detail,
  ]);
  const header = ['time', 'Δ', 'hop', 'where', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [head, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
