import type { ErrorSection } from './entry.ts';

/**
 * Codes every HTTP API of ours may answer (runtime/src/http-errors.ts), whatever the route: the
 * request body could not be read, the route does not exist, or the server failed.
 */
export const httpErrors = {
  INVALID_JSON: {
    retriable: false,
    http: 400,
    meaning: 'The request body is not valid JSON.',
    action: 'Client bug: fix the caller that sent it.',
  },
  PAYLOAD_TOO_LARGE: {
    retriable: false,
    http: 413,
    meaning: "The request body exceeds the service's body limit.",
    action: 'Send smaller requests (the relay splits its batches by GATEWAY_MAX_BODY_BYTES).',
  },
  UNSUPPORTED_ENCODING: {
    retriable: false,
    http: 415,
    meaning: 'The request body is not UTF-8 or uses an unsupported content encoding.',
    action: 'Client bug: send UTF-8 JSON, identity, gzip or deflate encoded.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    retriable: false,
    http: 415,
    meaning: 'The request has a Content-Type this endpoint does not accept.',
    action: 'Client bug: send Content-Type application/json (or the registry’s vnd types).',
  },
  BAD_REQUEST: {
    retriable: false,
    http: 400,
    meaning: 'The request is malformed (unreadable body, invalid query parameter, unknown path).',
    action: 'Client bug: the message names what to fix.',
  },
  NOT_FOUND: {
    retriable: false,
    http: 404,
    meaning: 'No such endpoint (ingest gateway, reports API, dashboard API).',
    action: 'Client bug or wrong base URL: check the path against the API docs.',
  },
  ROUTE_NOT_FOUND: {
    retriable: false,
    http: 404,
    meaning: 'No such endpoint (store edge, schema registry).',
    action: 'Client bug or wrong base URL: check the path against the API docs.',
  },
  METHOD_NOT_ALLOWED: {
    retriable: false,
    http: 405,
    meaning: 'The endpoint exists but not for this HTTP method.',
    action: 'Client bug: use the method the API documents.',
  },
  INTERNAL: {
    retriable: false,
    http: 500,
    meaning: 'The server failed in a way it has no code for; the body carries no internals.',
    action: 'Read the service log for the stack (logged with the request path) and fix the cause.',
  },
  UNAVAILABLE: {
    retriable: true,
    http: 503,
    meaning: 'A dependency of the API (database) is not answering; the request can be repeated.',
    action: 'Check the dependency named in the service log; clients retry.',
  },
} as const satisfies ErrorSection;
