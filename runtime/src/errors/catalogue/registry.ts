import type { ErrorSection } from './entry.ts';

/**
 * The local schema registry (infra/schema-registry). Its clients branch on Confluent's numeric
 * `error_code` (40401, 42201, …), kept beside these in infra/schema-registry/src/errors.ts; these
 * are our names for them. Codes it shares with every API (ROUTE_NOT_FOUND, METHOD_NOT_ALLOWED,
 * UNSUPPORTED_MEDIA_TYPE, INTERNAL) are in http.ts.
 */
export const registryErrors = {
  SUBJECT_NOT_FOUND: {
    retriable: false,
    http: 404,
    meaning: 'Registry: no such subject.',
    action: 'Register the schemas, or check the subject name.',
  },
  VERSION_NOT_FOUND: {
    retriable: false,
    http: 404,
    meaning: 'Registry: the subject has no such version.',
    action: 'Check the version asked for.',
  },
  SCHEMA_NOT_FOUND: {
    retriable: false,
    http: 404,
    meaning: 'Registry: no schema with this id.',
    action:
      'The registry lost its data or the id is from another registry: re-register, check SCHEMA_REGISTRY_URL.',
  },
  SUBJECT_SOFT_DELETED: {
    retriable: false,
    http: 404,
    meaning: 'Registry: the subject was soft-deleted.',
    action: 'Register it again or delete it permanently.',
  },
  SUBJECT_NOT_SOFT_DELETED: {
    retriable: false,
    http: 404,
    meaning: 'Registry: a permanent delete of a subject that was not soft-deleted first.',
    action: 'Soft-delete it first.',
  },
  VERSION_SOFT_DELETED: {
    retriable: false,
    http: 404,
    meaning: 'Registry: the version was soft-deleted.',
    action: 'Ask for another version or register it again.',
  },
  VERSION_NOT_SOFT_DELETED: {
    retriable: false,
    http: 404,
    meaning: 'Registry: a permanent delete of a version that was not soft-deleted first.',
    action: 'Soft-delete it first.',
  },
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: {
    retriable: false,
    http: 404,
    meaning: 'Registry: the subject has no compatibility level of its own.',
    action: 'Nothing: the global level applies; set one if the subject needs its own.',
  },
  INCOMPATIBLE_SCHEMA: {
    retriable: false,
    http: 409,
    meaning: "Registry: the schema breaks the subject's compatibility level.",
    action: 'Make the change compatible or use a new subject.',
  },
  MALFORMED_JSON: {
    retriable: false,
    http: 400,
    meaning: 'Registry: the request body is not valid JSON.',
    action: 'Client bug: fix the request.',
  },
  BODY_TOO_LARGE: {
    retriable: false,
    http: 413,
    meaning: "Registry: the request body exceeds the registry's limit.",
    action: 'Schemas that large are a mistake: split the schema.',
  },
  INVALID_REQUEST: {
    retriable: false,
    http: 422,
    meaning: 'Registry: the request is well-formed JSON but not a valid request.',
    action: 'Client bug: the message names the field.',
  },
  INVALID_SCHEMA: {
    retriable: false,
    http: 422,
    meaning: 'Registry: the schema is not valid Avro (or references are missing).',
    action: 'Fix the .avsc file; the message says where.',
  },
  INVALID_VERSION: {
    retriable: false,
    http: 422,
    meaning: 'Registry: the version is not a positive number or "latest".',
    action: 'Client bug: fix the version in the path.',
  },
  INVALID_COMPATIBILITY_LEVEL: {
    retriable: false,
    http: 422,
    meaning: 'Registry: unknown compatibility level.',
    action: 'Use one of BACKWARD, FORWARD, FULL, NONE and their _TRANSITIVE forms.',
  },
  REFERENCE_EXISTS: {
    retriable: false,
    http: 422,
    meaning: 'Registry: a schema still referenced by another cannot be deleted.',
    action: 'Delete the referencing schema first.',
  },
  STORAGE_FAILED: {
    retriable: 'either',
    http: 500,
    meaning: 'Registry: appending to its history file failed, or it is shutting down.',
    action: 'Check the disk under RS_DATA_DIR; clients retry.',
  },
  REGISTRY_LOG_CORRUPT: {
    retriable: false,
    meaning: 'Registry: a line of its history file is damaged; it refuses to start.',
    action: 'Repair or remove the line named in the message, or `npm run infra:reset -- schema-registry`.',
  },
  LISTEN_FAILED: {
    retriable: false,
    meaning: 'Registry: cannot listen on its port.',
    action: 'Free the port or change it (see infra/README.md).',
  },
} as const satisfies ErrorSection;
