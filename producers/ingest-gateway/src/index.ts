export * from './config.ts';
export { createIngestGateway, type IngestGateway, type IngestGatewayDeps } from './gateway.ts';
export { gatewayPool, prepareDatabase, MIGRATIONS_DIR } from './db.ts';
export { issueKey, revokeKey, listKeys, parseKey, formatKey, KEY_PREFIX, type KeyInfo } from './api-keys.ts';
export { INGEST_PATH, CURSOR_PATH, type ErrorBody } from './ingestion-routes.ts';
export type { EventResult, EventStatus, EventErrorCode } from './batch-plan.ts';
