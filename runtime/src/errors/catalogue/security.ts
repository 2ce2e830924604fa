import type { ErrorSection } from './entry.ts';

/**
 * Deny-by-default controls (docs/security.md): Kafka authentication and ACLs, signed store events,
 * store epochs, cross-store write refusals, authenticated HTTP surfaces, bounded resources and PII.
 * Grouped by control; each group is owned by the code that raises it.
 */
export const securityErrors = {
  // ── kafka authentication and ACLs ──
  KAFKA_NOT_SASL: {
    retriable: false,
    meaning:
      'Local stack: the Kafka data folder was formatted before SASL/ACLs existed (no admin SCRAM credential in its metadata), so a SASL broker cannot start on it.',
    action:
      'Reformat it (local topics are disposable): `npm run infra:down -- kafka && npm run infra:reset -- kafka && npm run infra:up`.',
  },
  KAFKA_SECURITY_SETUP_FAILED: {
    retriable: false,
    meaning:
      'infra:up could not create the Kafka SCRAM users or ACLs of infra/src/kafka-principals.ts (the admin principal was refused, or the AdminClient failed).',
    action:
      'Read the lines after the error; check <RS_DATA_DIR>/secrets/kafka-users.json is the one the data was formatted with, else reset Kafka (infra:reset -- kafka).',
  },
  // ── signed store events ──
  BAD_SIGNATURE: {
    retriable: false,
    meaning:
      'Dead letter: a raw record has no store signature, a malformed one, one made with a key version HQ does not accept, or one that does not match its store key (forged, altered or re-labelled).',
    action:
      'Treat as an attack or a misprovisioned relay: check the store (record key) and the producing principal; re-provision the relay with `retail keys derive --store <id>`.',
  },
  // ── store sequence and epochs ──
  SEQUENCE_OUT_OF_WINDOW: {
    retriable: true,
    meaning:
      "Dead letter (held): the record's store_seq is more than INGEST_DEDUP_WINDOW above the store's contiguous mark, so ingest cannot place it without giving up the events below (a forged or rebuilt high store_seq).",
    action:
      'Check the HELD alert on retail.ops.alerts: once the missing events arrived, redrive (retail dlq redrive --code SEQUENCE_OUT_OF_WINDOW); a forged record stays held.',
  },
  STORE_EPOCH_UNAPPROVED: {
    retriable: true,
    meaning:
      "Dead letter (held): the record's store epoch (store.epoch header) is not the store's current epoch and no operator started it (a rebuilt store database, or a forged epoch).",
    action:
      'If the store database was really rebuilt: retail store epoch --store S --start <epoch> --reason …, then retail dlq redrive --code STORE_EPOCH_UNAPPROVED --store S.',
  },
  STORE_EPOCH_RETIRED: {
    retriable: false,
    meaning:
      'Dead letter: the record belongs to an epoch the store has left (an operator started a newer one); its store_seq no longer means anything.',
    action:
      'Find who still sends with the old epoch (an old relay or database copy still running, or a replay); stop it. Do not redrive.',
  },
  STORE_EPOCH_INVALID: {
    retriable: false,
    http: 400,
    meaning: 'Ingest gateway: the X-Store-Epoch header is not an epoch id (a UUID).',
    action:
      "Check the relay: it sends its store database's store_epoch.epoch_id; a hand-made request sends none.",
  },
  // ── cross-store writes and production config ──
  CROSS_STORE_EVENT_ID: {
    retriable: false,
    meaning:
      "An event's id is already in the HQ inbox for another store (a store replaying or forging another store's event).",
    action:
      'Security incident: find the sending store in the dead letter (store_id) and check its relay and key; nothing of the other store changed.',
  },
  CROSS_STORE_TRANSACTION_ID: {
    retriable: false,
    meaning: 'An event names a transaction id that the Cassandra projections already hold for another store.',
    action:
      "Security incident: find the sending store in the dead letter (store_id) and check its relay and key; the owning store's row is unchanged.",
  },
  AMOUNT_OUT_OF_RANGE: {
    retriable: false,
    http: 400,
    meaning:
      'A line amount or total (unit amount × quantity, or their sum) is above the largest amount the store records.',
    action:
      'Client bug or typo: check the unit amounts and quantities; split a very large delivery into several receipts.',
  },
  // ── authenticated HTTP surfaces ──
  REGISTRY_UNAUTHENTICATED: {
    retriable: false,
    http: 401,
    meaning:
      'Registry: a change (register, config, delete) without valid basic-auth credentials (Confluent error_code 401).',
    action:
      'Give the client SCHEMA_REGISTRY_USERNAME/PASSWORD (clientEnv() reads them from <RS_DATA_DIR>/secrets/schema-registry.password).',
  },
  REGISTRY_PERMANENT_DELETE_DISABLED: {
    retriable: false,
    http: 403,
    meaning:
      'Registry: a hard delete (?permanent=true) while SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE is off (error_code 40301).',
    action:
      'Soft-delete instead; enable hard deletes on the registry only for a deliberate clean-up, then turn them off.',
  },
  DASHBOARD_LOGIN_REQUIRED: {
    retriable: false,
    http: 401,
    meaning: 'Dashboard: no or wrong login (basic auth against DASHBOARD_USERS).',
    action:
      'Log in with a user of DASHBOARD_USERS; an operator adds users with a password hash (docs/security.md).',
  },
  CONTROL_TOKEN_REQUIRED: {
    retriable: false,
    http: 401,
    meaning: 'Store simulator or store host control API: no or wrong bearer token.',
    action:
      'Send Authorization: Bearer <SIM_CONTROL_TOKEN / STORE_HOST_CONTROL_TOKEN> (the demo prints the control page URL with it).',
  },
  MONITOR_SCOPE_FORBIDDEN: {
    retriable: false,
    http: 403,
    meaning:
      'Store edge: a monitor token (read-only, EDGE_MONITOR_TOKENS) used on a route other than GET /v1/sync/status.',
    action: 'Use a terminal token for sales; monitor tokens only read the sync status.',
  },
  HTTP_AUTH_NOT_CONFIGURED: {
    retriable: false,
    meaning: 'An HTTP surface bound off loopback has no credentials configured, so it refuses to start.',
    action:
      'Configure the credential named in the message (DASHBOARD_USERS, SIM_CONTROL_TOKEN_SHA256, …) or bind to 127.0.0.1.',
  },
  // ── bounded resources and PII ──
  UNKNOWN_ERROR_LIMIT: {
    retriable: false,
    meaning:
      'An error no classifier recognises (a bug, not an outage) failed the same work MAX_UNKNOWN_ERROR_RETRIES times in a row; the service stops instead of retrying it forever.',
    action:
      'Read the fatal log line (it names the error and the count), fix the cause, restart; raise MAX_UNKNOWN_ERROR_RETRIES only if the error is really transient.',
  },
  NEGATIVE_AMOUNT: {
    retriable: false,
    meaning:
      'Dead letter: a price, discount, cost or amount of the event is negative (a forged or corrupted event: no till writes one).',
    action:
      'Find the producing store (store_id) and check its edge and relay; the event is not replayed as is.',
  },
  EVENT_TOO_OLD: {
    retriable: false,
    meaning:
      "Dead letter: the event's occurred_at is older than INGEST_MAX_EVENT_AGE_MS (a replayed or forged old event).",
    action:
      'If it is a genuine backfill (a store offline longer than the limit), raise INGEST_MAX_EVENT_AGE_MS for the redrive, then redrive the dead letters.',
  },
  CUSTOMER_REF_NOT_PSEUDONYM: {
    retriable: false,
    http: 400,
    meaning:
      'customer_ref is not a pseudonym of the store edge (lowercase hex HMAC, optionally key-id prefixed): it may be a raw phone or card number (personal data).',
    action:
      'Fix the producer to send pseudonymiseCustomer() output; purge the dead letter, it may hold personal data.',
  },
} as const satisfies ErrorSection;
