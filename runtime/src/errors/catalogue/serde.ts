import type { ErrorSection } from './entry.ts';

/** Avro encoding/decoding, the Confluent wire format and schema registration (runtime serde, schemas). */
export const serdeErrors = {
  NOT_WIRE_FORMAT: {
    retriable: false,
    meaning: 'A Kafka record value is not in the Confluent wire format (magic byte 0 + schema id).',
    action: 'Find the producer of the dead-lettered record (dlq.source.* headers) and make it use the serde.',
  },
  AVRO_DECODE_FAILED: {
    retriable: false,
    meaning: 'A record body cannot be decoded with the schema its id names.',
    action: 'Inspect the dead-lettered record; the producer wrote bytes that do not match its schema.',
  },
  AVRO_INVALID_VALUE: {
    retriable: false,
    meaning: 'A value to encode does not match its Avro schema (the paths are in the message).',
    action: 'Bug in the producing code: fix the value it builds.',
  },
  UNKNOWN_SCHEMA: {
    retriable: false,
    meaning: 'The schema registry does not know the schema or subject asked for.',
    action:
      'Register the schemas (`npm run register -w @retail-stream/schemas`) or check SCHEMA_REGISTRY_URL.',
  },
  SCHEMA_INVALID: {
    retriable: false,
    meaning: 'An event or schema does not match its Avro definition (field paths in the message).',
    action: 'Producer bug: the message names the field; for a registration, fix the .avsc file.',
  },
  SCHEMA_INCOMPATIBLE: {
    retriable: false,
    meaning: "A schema change breaks the subject's compatibility level.",
    action: 'Make the change compatible (add fields with defaults) or use a new subject.',
  },
  SCHEMA_COMPATIBILITY_LEVEL: {
    retriable: false,
    meaning: "The subject's compatibility level is not the one the project requires.",
    action: 'Set the level the message names on the subject in the registry.',
  },
  SCHEMA_ID_MISMATCH: {
    retriable: false,
    meaning: 'A schema registered under one id is looked up under another.',
    action: 'The registry lost or changed its data: restore it or re-register every schema in order.',
  },
  SCHEMA_REFERENCE_ORDER: {
    retriable: false,
    meaning: 'A schema references another that has not been registered before it.',
    action: 'Bug in the schema catalogue order: register referenced schemas first.',
  },
  SCHEMA_ID_UNKNOWN: {
    retriable: 'either',
    meaning:
      'No schema id is known (yet) for an event type: the registry was not reached, or the id is not ours.',
    action: 'Check the schema registry is up and the schemas are registered; the service retries.',
  },
  REGISTRY_UNAVAILABLE: {
    retriable: true,
    meaning: 'The schema registry did not answer.',
    action: 'Check the registry (`npm run infra:status`); callers retry.',
  },
  REGISTRY_BAD_RESPONSE: {
    retriable: true,
    meaning: 'The schema registry answered something that is not a schema id and version.',
    action: 'Check SCHEMA_REGISTRY_URL points at a schema registry.',
  },
  UNKNOWN_EVENT_TYPE: {
    retriable: false,
    meaning: 'An event names a type that is not in the schema catalogue.',
    action: 'Producer bug or a newer producer: deploy the schema catalogue that knows the type.',
  },
} as const satisfies ErrorSection;
