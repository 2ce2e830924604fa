import { appErrors } from './apps.ts';
import type { ErrorEntry } from './entry.ts';
import { gatewayErrors } from './gateway.ts';
import { httpErrors } from './http.ts';
import { infraErrors } from './infra.ts';
import { ingestErrors } from './ingest.ts';
import { kafkaErrors } from './kafka.ts';
import { kpiErrors } from './kpi.ts';
import { registryErrors } from './registry.ts';
import { relayErrors } from './relay.ts';
import { runtimeErrors } from './runtime.ts';
import { serdeErrors } from './serde.ts';
import { sinkErrors } from './sinks.ts';
import { storeEdgeErrors } from './store-edge.ts';
import { replayErrors } from './replay.ts';
import { shadowErrors } from './shadow.ts';
import { dlqErrors } from './dlq.ts';
import { traceErrors } from './trace.ts';
import { nationalSyncErrors } from './national-sync.ts';
import { securityErrors } from './security.ts';

export type { ErrorEntry, ErrorSection } from './entry.ts';

/**
 * The sections, one file per area so helpers adding codes for their area don't edit the same lines.
 * A code lives in exactly one section (catalogue.test.ts checks); a code several areas use goes in
 * the most general one (http, serde, kafka). docs/errors.md is generated from this
 * (`npm run docs:errors`).
 */
export const ERROR_SECTIONS = {
  runtime: runtimeErrors,
  http: httpErrors,
  kafka: kafkaErrors,
  serde: serdeErrors,
  'store-edge': storeEdgeErrors,
  relay: relayErrors,
  gateway: gatewayErrors,
  ingest: ingestErrors,
  kpi: kpiErrors,
  sinks: sinkErrors,
  apps: appErrors,
  infra: infraErrors,
  registry: registryErrors,
  replay: replayErrors,
  shadow: shadowErrors,
  dlq: dlqErrors,
  trace: traceErrors,
  'national-sync': nationalSyncErrors,
  security: securityErrors,
} as const;

/** Every error code the project raises on purpose: the one closed list. */
export const ERROR_CATALOGUE = {
  ...runtimeErrors,
  ...httpErrors,
  ...kafkaErrors,
  ...serdeErrors,
  ...storeEdgeErrors,
  ...relayErrors,
  ...gatewayErrors,
  ...ingestErrors,
  ...kpiErrors,
  ...sinkErrors,
  ...appErrors,
  ...infraErrors,
  ...registryErrors,
  ...replayErrors,
  ...shadowErrors,
  ...dlqErrors,
  ...traceErrors,
  ...nationalSyncErrors,
  ...securityErrors,
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

type Catalogue = typeof ERROR_CATALOGUE;
/** Codes a plain failure may carry: never or sometimes retriable. */
export type NonRetriableCode = {
  [C in ErrorCode]: Catalogue[C]['retriable'] extends true ? never : C;
}[ErrorCode];
/** Codes a retriable failure may carry: always or sometimes retriable. */
export type RetriableCode = {
  [C in ErrorCode]: Catalogue[C]['retriable'] extends false ? never : C;
}[ErrorCode];
/** Codes one of our APIs answers with a status of their own. */
export type HttpErrorCode = {
  [C in ErrorCode]: Catalogue[C] extends { readonly http: number } ? C : never;
}[ErrorCode];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

export function errorEntry(code: ErrorCode): ErrorEntry {
  return ERROR_CATALOGUE[code];
}
