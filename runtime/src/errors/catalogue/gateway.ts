import type { ErrorSection } from './entry.ts';

/**
 * The HQ ingest gateway (producers/ingest-gateway): whole-request refusals (HTTP status) and
 * per-event result codes (answered inside a 200, no status).
 */
export const gatewayErrors = {
  NOT_READY: {
    retriable: true,
    http: 503,
    meaning: 'The gateway is starting, stopping or lost Kafka or Postgres: it takes no requests now.',
    action: 'Check /ready on the ops port for which dependency is down; clients retry.',
  },
  AUTH_UNAVAILABLE: {
    retriable: true,
    http: 503,
    meaning: 'API keys cannot be checked: the gateway database does not answer.',
    action: "Check the gateway's Postgres; clients retry.",
  },
  UNAUTHORIZED: {
    retriable: false,
    http: 401,
    meaning: 'Missing, unknown, revoked or malformed API key (one answer for every reason).',
    action: "Issue or re-issue the store's key with the gateway keys CLI.",
  },
  STORE_MISMATCH: {
    retriable: false,
    http: 403,
    meaning: "A batch holds an event of another store than the key's.",
    action: 'The relay has another store’s key, or STORE_ID is wrong: fix its configuration.',
  },
  INVALID_BODY: {
    retriable: false,
    http: 400,
    meaning: 'The body is not `{"events": [...]}`.',
    action: 'Client bug: send the documented shape.',
  },
  UNKNOWN_FIELD: {
    retriable: false,
    http: 400,
    meaning: 'The body has a field other than `events`.',
    action: 'Client bug: send only `events`.',
  },
  EMPTY_BATCH: {
    retriable: false,
    http: 400,
    meaning: 'The batch holds no events.',
    action: 'Client bug: send at least one event.',
  },
  TOO_MANY_EVENTS: {
    retriable: false,
    http: 413,
    meaning: 'The batch holds more events than GATEWAY_MAX_EVENTS.',
    action: 'Send smaller batches (RELAY_HTTP_MAX_EVENTS).',
  },
  INVALID_EVENT: {
    retriable: false,
    http: 400,
    meaning: 'An element of `events` is not a JSON object.',
    action: 'Client bug: every event is an object.',
  },
  SEQUENCE_GAP: {
    retriable: false,
    meaning: "Per event: store_seq is not the store's cursor + 1.",
    action: 'Compare the relay state with the gateway cursor (GET /v1/ingestion/cursor).',
  },
  NOT_PROCESSED: {
    retriable: false,
    meaning: 'Per event: not looked at because an earlier event of the batch was refused.',
    action: 'Fix the first refused event; these follow.',
  },
  STORE_BUSY: {
    retriable: true,
    meaning: "Another request of the same store held the store's cursor too long.",
    action: 'Nothing usually; answered 503 and resent. If frequent, check for two relays of one store.',
  },
  DB_CONFLICT: {
    retriable: true,
    meaning: 'Postgres aborted the transaction (serialization failure or deadlock).',
    action: 'Nothing usually; answered 503 and resent.',
  },
  DB_UNAVAILABLE: {
    retriable: true,
    meaning:
      "The gateway's Postgres does not answer (connection refused, reset, shutting down, too many connections).",
    action: "Check the gateway's Postgres; answered 503 and resent.",
  },
  DB_ERROR: {
    retriable: false,
    meaning:
      "The gateway's Postgres refused a statement for a reason that will not pass (SQLSTATE in the message).",
    action: 'A bug or a missing migration: read the log, run the gateway migrations.',
  },
  SHUTTING_DOWN: {
    retriable: true,
    meaning: 'The gateway is shutting down and sends nothing more to Kafka.',
    action: 'Nothing: clients resend to the next instance.',
  },
} as const satisfies ErrorSection;
