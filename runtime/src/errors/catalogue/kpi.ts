import type { ErrorSection } from './entry.ts';

/** KPI windows (stream-processors/kpi-windows) and records that are not the events a consumer expects. */
export const kpiErrors = {
  EMPTY_VALUE: {
    retriable: false,
    meaning: 'Dead letter: a record without a value (a tombstone) on an event topic.',
    action:
      'Find who wrote a null value to the topic (dlq.source.* headers); event topics are not compacted.',
  },
  NOT_A_STORE_EVENT: {
    retriable: false,
    meaning: 'Dead letter: a record decodes but is not a store event (another catalogue type on the topic).',
    action: 'Check the producer writes to the right topic (*_TOPIC settings).',
  },
  KPI_INPUT_MISSING: {
    retriable: true,
    meaning: 'The KPI input topic does not exist (yet): ingest has not created it.',
    action: 'Start the ingest processor first, or check KPI_INPUT_TOPIC.',
  },
  KPI_CHANGELOG_TOO_SMALL: {
    retriable: false,
    meaning: 'The KPI changelog topic has fewer partitions than the input topic.',
    action: 'Add partitions to KPI_CHANGELOG_TOPIC to match the input, then restart.',
  },
  KPI_BATCH_STALE: {
    retriable: true,
    meaning:
      'The partition was revoked during a KPI batch; its transaction is aborted and redone by the new owner.',
    action: 'Nothing: normal during rebalances.',
  },
  KPI_WORKER_CLOSED: {
    retriable: true,
    meaning: 'A batch reached a partition worker that is closing (revocation or shutdown).',
    action: 'Nothing: normal during rebalances and shutdown.',
  },
  KPI_RESTORE_FAILED: {
    retriable: true,
    meaning: "Restoring a partition's windows from the changelog failed.",
    action: 'Check the brokers and KPI_CHANGELOG_TOPIC; the worker retries.',
  },
  KPI_BATCH_FAILED: {
    retriable: true,
    meaning: 'A KPI batch failed before its transaction started (state not ready); it is retried.',
    action: 'Nothing if rare; if it repeats, read the cause in the log.',
  },
  KPI_TXN_FAILED: {
    retriable: true,
    meaning: 'A Kafka transaction of a KPI batch failed; it is aborted, state restored and retried.',
    action: 'Nothing if rare; if it repeats, check brokers and for two workers with one transactional id.',
  },
  BAD_ARGS: {
    retriable: false,
    meaning: 'The KPI recompute command got invalid arguments.',
    action: 'Fix the command line (see the kpi-windows README).',
  },
} as const satisfies ErrorSection;
