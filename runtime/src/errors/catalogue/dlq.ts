import type { ErrorSection } from './entry.ts';

/** The retail CLI's dead-letter commands: list, show, redrive, purge (tools/retail-cli). */
export const dlqErrors = {
  DLQ_NO_MATCH: {
    retriable: false,
    meaning: 'No dead-letter record matches the filters given.',
    action: 'Check the filters with retail dlq list.',
  },
  DLQ_UNKNOWN_TOPIC: {
    retriable: false,
    meaning:
      "retail dlq: the dead-letter topic (--topic), the parking topic or a record's dlq.source.topic does not exist.",
    action: 'Check the name (kafka-topics --list); a source topic deleted since cannot be redriven to.',
  },
  DLQ_CONFIRMATION_REQUIRED: {
    retriable: false,
    meaning:
      'retail dlq purge: deleting records needs a confirmation, and stdin is not a terminal to ask on.',
    action: 'Check the plan with --dry-run, then run again with --yes.',
  },
  DLQ_PURGE_DECLINED: {
    retriable: false,
    meaning: 'retail dlq purge: the confirmation was answered no; nothing was deleted.',
    action: 'None; run again and answer yes to delete.',
  },
  DLQ_NOT_A_DEAD_LETTER: {
    retriable: false,
    meaning:
      'retail dlq: a record of the dead-letter topic lacks the dlq.* headers, so it cannot be redriven.',
    action: 'Inspect it with retail dlq show --offset P:O; it was not written by a processor or sink.',
  },
  DLQ_REDRIVE_RUNNING: {
    retriable: true,
    meaning:
      'retail dlq redrive: another redrive of the same dead-letter topic is running (it holds the lock).',
    action: 'Wait for it to finish (ops.audit_log shows it), then run again: what it sent is skipped.',
  },
} as const satisfies ErrorSection;
