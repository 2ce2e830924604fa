import type { ErrorSection } from './entry.ts';

/** HQ ingest processor (stream-processors/ingest): dead-letter codes and its batch transaction. */
export const ingestErrors = {
  UNKNOWN_SCHEMA_ID: {
    retriable: false,
    meaning: 'Dead letter: the record names a schema id that is not one of the catalogue’s event schemas.',
    action: 'Find the producer (dlq.source.* headers); it registered or used a schema outside the catalogue.',
  },
  UNDECODABLE: {
    retriable: false,
    meaning: 'Dead letter: the record body cannot be decoded with the schema its id names.',
    action: 'Inspect the dead letter; the producer wrote bytes that do not match the schema.',
  },
  BUSINESS_INVALID: {
    retriable: false,
    meaning: 'Dead letter: the event decodes but breaks a business rule (empty ids, store_seq < 1, …).',
    action: 'Find the producing store (store_id) and fix its writer; replay the dead letter if needed.',
  },
  BATCH_STALE: {
    retriable: true,
    meaning:
      'The partition was revoked during a batch; its transaction is aborted and redone by the new owner.',
    action: 'Nothing: normal during rebalances.',
  },
  TRANSACTION_FAILED: {
    retriable: true,
    meaning:
      'A Kafka transaction of the ingest batch failed (fencing, broker error); it is aborted and retried.',
    action: 'Nothing if rare; if it repeats, check brokers and for two processors with one transactional id.',
  },
  STATE_RESTORE_FAILED: {
    retriable: true,
    meaning: "Restoring a partition's dedup state from its changelog topic failed.",
    action: 'Check the brokers and the INGEST_STATE_TOPIC; the processor retries.',
  },
  STATE_TOPIC_TOO_SMALL: {
    retriable: true,
    meaning: 'The dedup state topic has fewer partitions than the input topic.',
    action: 'Add partitions to INGEST_STATE_TOPIC to match the input (never fewer).',
  },
} as const satisfies ErrorSection;
