import type { ErrorSection } from './entry.ts';

/** The retail CLI's dead-letter commands: list, show, redrive, purge (tools/retail-cli). */
export const dlqErrors = {
  DLQ_NO_MATCH: {
    retriable: false,
    meaning: 'No dead-letter record matches the filters given.',
    action: 'Check the filters with retail dlq list.',
  },
} as const satisfies ErrorSection;
