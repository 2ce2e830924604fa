import type { CheckRow } from '../reconcile.ts';

/**
 * Guarantee 3 in numbers: per store, HQ's inbox must hold store_seq 1..last (last = the store's own
 * highest outbox seq) once each. Rows are per-store aggregates of hq_inbox, so the check never
 * loads every sequence number.
 */

export interface InboxSeqStats {
  store_id: string;
  /** Rows (events) in the inbox for the store. */
  rows: number;
  distinct_seqs: number;
  min_seq: number;
  max_seq: number;
}

export function seqCompleteness(
  check: string,
  lastOutboxSeq: ReadonlyMap<string, number>,
  inbox: readonly InboxSeqStats[],
): CheckRow {
  const byStore = new Map(inbox.map((r) => [r.store_id, r]));
  const row: CheckRow = { check, expected: 0, found: 0, missing: 0, duplicated: 0, wrong: 0, examples: [] };
  const example = (t: string) => {
    if (row.examples.length < 5) row.examples.push(t);
  };
  for (const [store, last] of lastOutboxSeq) {
    row.expected += last;
    const s = byStore.get(store);
    if (!s) {
      row.missing += last;
      if (last > 0) example(`${store}: no events in the inbox (outbox has 1..${last})`);
      continue;
    }
    row.found += s.rows;
    // Seqs within 1..last that are absent: last minus the distinct seqs in range.
    const inRange = Math.min(s.distinct_seqs, last);
    const gaps = last - inRange;
    row.missing += gaps;
    if (gaps > 0) example(`${store}: ${gaps} of 1..${last} missing (inbox has ${s.min_seq}..${s.max_seq})`);
    const copies = s.rows - s.distinct_seqs;
    if (copies > 0) {
      row.duplicated += copies;
      example(`${store}: ${copies} store_seq values held by more than one event`);
    }
    if (s.max_seq > last || (s.rows > 0 && s.min_seq < 1)) {
      row.wrong += 1;
      example(`${store}: inbox seqs ${s.min_seq}..${s.max_seq} outside the outbox's 1..${last}`);
    }
  }
  for (const s of inbox) {
    if (!lastOutboxSeq.has(s.store_id)) {
      row.wrong += 1;
      example(`unexpected store ${s.store_id} in the inbox`);
    }
  }
  return row;
}
