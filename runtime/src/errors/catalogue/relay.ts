import type { ErrorSection } from './entry.ts';

/** The outbox relay (producers/outbox-relay): encoding outbox rows and publishing them (Kafka or the HTTPS gateway). */
export const relayErrors = {
  OUTBOX_UNKNOWN_EVENT_TYPE: {
    retriable: false,
    meaning: 'An outbox row has an event_type that is not a store event of the schema catalogue.',
    action:
      'The relay stops at that row: deploy a relay that knows the type, or fix the row (see the relay README).',
  },
  OUTBOX_ROW_INCONSISTENT: {
    retriable: false,
    meaning:
      "An outbox row's payload disagrees with its columns (event_id, store_seq, store_id) or is not an object.",
    action: 'Edge bug: the relay stops at that row; fix the writer and the row.',
  },
  OUTBOX_ENCODE_FAILED: {
    retriable: false,
    meaning: 'An outbox row could not be encoded for another reason (message says why).',
    action: 'Edge bug: the relay stops at that row; fix the writer and the row.',
  },
  OUTBOX_EVENT_TOO_LARGE: {
    retriable: false,
    meaning:
      'One outbox event alone is larger than the destination accepts (Kafka record above RELAY_MAX_REQUEST_BYTES or refused alone by the broker; refused alone by the ingest gateway with 413).',
    action:
      "The relay stops at that row (later rows wait): shrink the row's payload (UPDATE outbox SET payload) or raise the limit on the broker/topic and in the relay (see the relay README).",
  },
  GATEWAY_UNAUTHORIZED: {
    retriable: false,
    meaning: "The ingest gateway refused the store's API key (401).",
    action: 'Check RELAY_HTTP_API_KEY, or issue a new key with the gateway keys CLI if it was revoked.',
  },
  GATEWAY_FORBIDDEN: {
    retriable: false,
    meaning: 'The ingest gateway refused the batch: the key belongs to another store (403).',
    action: 'Give the relay the key of its own STORE_ID.',
  },
  GATEWAY_PAYLOAD_TOO_LARGE: {
    retriable: false,
    meaning: 'The ingest gateway refused the batch as too large (413).',
    action: "Set RELAY_HTTP_MAX_EVENTS / RELAY_HTTP_MAX_BODY_BYTES to the gateway's limits.",
  },
  GATEWAY_REJECTED: {
    retriable: false,
    meaning: 'The ingest gateway refused the request with another 4xx.',
    action: 'Read the gateway code in the message; usually a relay/gateway version mismatch.',
  },
  GATEWAY_UNAVAILABLE: {
    retriable: true,
    meaning: 'The ingest gateway answered 5xx, 408 or 429.',
    action: 'Check the gateway and its Kafka; the relay backs off and resends.',
  },
  GATEWAY_UNREACHABLE: {
    retriable: true,
    meaning: 'The ingest gateway could not be reached (DNS, refused, TLS).',
    action: 'Check the store’s network and RELAY_HTTP_URL; the relay retries.',
  },
  GATEWAY_TIMEOUT: {
    retriable: true,
    meaning: 'No answer from the ingest gateway within the request timeout.',
    action: 'Check the gateway; the resend is safe (answered `duplicate`).',
  },
  GATEWAY_CLOSED: {
    retriable: true,
    meaning: 'The relay is shutting down its HTTP publisher.',
    action: 'Nothing: expected during shutdown.',
  },
  GATEWAY_BAD_RESPONSE: {
    retriable: true,
    meaning: 'The ingest gateway answered 200 with results that do not match the batch.',
    action: 'Check the gateway version; RELAY_HTTP_URL may point at something else.',
  },
  GATEWAY_SEQUENCE_GAP: {
    retriable: false,
    meaning: 'The gateway refused an event because store_seq does not follow its cursor.',
    action:
      'The store outbox lost rows or the cursor is ahead: compare the relay state and the gateway cursor.',
  },
  GATEWAY_SCHEMA_INVALID: {
    retriable: false,
    meaning: 'The gateway refused an event that does not match its schema.',
    action: 'Edge/gateway schema mismatch: deploy the same schema catalogue on both.',
  },
  GATEWAY_UNKNOWN_EVENT_TYPE: {
    retriable: false,
    meaning: 'The gateway does not know an event type the store sends.',
    action: 'Deploy the gateway with the schema catalogue that knows the type.',
  },
  GATEWAY_EVENT_REFUSED: {
    retriable: false,
    meaning: 'The gateway refused an event with a code the relay does not know.',
    action: 'Read the gateway code in the message; relay/gateway version mismatch.',
  },
} as const satisfies ErrorSection;
