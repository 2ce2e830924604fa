import { counter, gauge, histogram } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';
import type { StoreGapReport } from './gap-alerts.ts';
import type { PipelineResult } from './record-pipeline.ts';

export type IngestMetrics = ReturnType<typeof ingestMetrics>;

export function ingestMetrics(r: Registry, openGaps: () => number) {
  // Computed at scrape time from the dedup state, so it is right even when no batch arrives.
  const gaps = gauge(
    r,
    'retail_ingest_sequence_gaps_open',
    'Stores whose store_seq gap is open longer than the alert time',
    [],
    (g) => g.set(openGaps()),
  );
  return {
    records: counter(r, 'retail_ingest_records_total', 'Input records by outcome', ['outcome']),
    duplicates: counter(
      r,
      'retail_ingest_duplicates_total',
      'Records dropped as duplicates (store_seq already seen)',
    ),
    deadLetters: counter(r, 'retail_ingest_dead_letters_total', 'Records sent to the DLQ, by code', ['code']),
    unknownRefs: counter(r, 'retail_ingest_unknown_refs_total', 'Enrichments without reference data', [
      'kind',
    ]),
    gapAlerts: counter(r, 'retail_ingest_gap_alerts_total', 'Sequence gap alert records written, by status', [
      'status',
    ]),
    held: counter(
      r,
      'retail_ingest_records_held_total',
      'Records held in the DLQ (retriable) instead of moving the dedup mark: out of window, unapproved epoch',
      ['code'],
    ),
    epochChanges: counter(
      r,
      'retail_ingest_store_epoch_changes_total',
      'Stores that started an epoch (new store, legacy adopted, operator switch)',
    ),
    openGaps: gaps,
    batchSeconds: histogram(
      r,
      'retail_ingest_batch_duration_seconds',
      'Batch time: pipeline plus transaction',
    ),
    // Where a batch's time goes: the waits on the broker (begin, send, offsets, commit) against
    // our own CPU (pipeline). bench:e2e's "raw -> enriched" stage is mostly these waits.
    batchPhaseSeconds: histogram(
      r,
      'retail_ingest_batch_phase_seconds',
      'Batch time by phase: begin (transaction start), prepare (schemas, epochs), pipeline (validate, dedup, enrich, encode), send, offsets, commit',
      ['phase'],
    ),
    aborted: counter(r, 'retail_ingest_transactions_aborted_total', 'Transactions aborted (batch retried)', [
      'code',
    ]),
    restores: counter(
      r,
      'retail_ingest_state_restores_total',
      'Partition state restores (fence + changelog)',
    ),
  };
}

/** Counts a committed batch's outcomes (only after commit: an aborted batch is retried and counted then). */
export function recordCommittedBatch(
  m: IngestMetrics,
  result: Pick<
    PipelineResult,
    | 'enriched'
    | 'duplicates'
    | 'deadLetters'
    | 'deadLetterCodes'
    | 'unknownStores'
    | 'unknownProducts'
    | 'epochChanges'
  >,
  reports: readonly StoreGapReport[],
): void {
  m.records.inc({ outcome: 'forwarded' }, result.enriched.length);
  m.records.inc({ outcome: 'duplicate' }, result.duplicates);
  m.records.inc({ outcome: 'dead_lettered' }, result.deadLetters.length);
  m.duplicates.inc(result.duplicates);
  for (const code of result.deadLetterCodes) {
    m.deadLetters.inc({ code });
    if (code === 'SEQUENCE_OUT_OF_WINDOW' || code === 'STORE_EPOCH_UNAPPROVED') m.held.inc({ code });
  }
  m.epochChanges.inc(result.epochChanges.length);
  m.unknownRefs.inc({ kind: 'store' }, result.unknownStores);
  m.unknownRefs.inc({ kind: 'product' }, result.unknownProducts);
  for (const r of reports) m.gapAlerts.inc({ status: r.report.status });
}
