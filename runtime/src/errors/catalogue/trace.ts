import type { ErrorSection } from './entry.ts';

/** The retail CLI's trace and reconcile commands and the scheduled jobs (tools/retail-cli). */
export const traceErrors = {
  TRACE_EVENT_UNKNOWN: {
    retriable: false,
    meaning: 'No store outbox, HQ inbox or sink row knows this event id.',
    action: 'Check the id (retail trace --store S --seq N finds an event by its store sequence).',
  },
} as const satisfies ErrorSection;
