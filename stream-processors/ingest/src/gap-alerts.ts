import type { AvroSerde } from '@retail-stream/runtime';
import { catalogue, type SequenceGapDetected } from '@retail-stream/schemas';
import type { Message } from 'kafkajs';
import { PROCESSOR_NAME } from './processor-name.ts';
import type { StoreState } from './store-epoch-state.ts';
import { ageGap, isGapOlderThan, type GapReport } from './store-sequence.ts';

export interface StoreGapReport {
  storeId: string;
  report: GapReport;
}

/**
 * Adds an OPEN report for every store whose gap has been open longer than `afterMs` and not
 * reported yet (checked on every batch, so a gap is reported even when its store falls silent);
 * the store's state changed, so it joins `touched` and its changelog record is written.
 */
export function ageOpenGaps(
  states: ReadonlyMap<string, StoreState>,
  now: number,
  afterMs: number,
  reports: StoreGapReport[],
  touched: Set<string>,
): void {
  for (const [store, state] of states) {
    const aged = ageGap(state.seq, now, afterMs);
    if (aged) {
      reports.push({ storeId: store, report: aged });
      touched.add(store);
    }
  }
}

/** The SequenceGapDetected record of one report (ops alerts topic, key store_id). */
export function gapAlertMessage(serde: AvroSerde, schemaId: number, r: StoreGapReport, now: number): Message {
  const value: SequenceGapDetected = {
    store_id: r.storeId,
    status: r.report.status,
    first_missing_seq: r.report.firstMissing,
    last_missing_seq: r.report.lastMissing,
    highest_seen_seq: r.report.highestSeen,
    gap_opened_at: r.report.openedAt,
    reported_at: now,
    processor: PROCESSOR_NAME,
  };
  return { key: r.storeId, value: serde.encodeWith(schemaId, gapType, value) };
}

/** Stores whose gap is open longer than `afterMs`, over every partition's state (for the gauge). */
export function countOpenGaps(
  partitions: Iterable<ReadonlyMap<string, StoreState>>,
  now: number,
  afterMs: number,
): number {
  let n = 0;
  for (const states of partitions) {
    for (const s of states.values()) if (isGapOlderThan(s.seq, now, afterMs)) n++;
  }
  return n;
}

const gapType = catalogue.events.get('SequenceGapDetected')!.type;
