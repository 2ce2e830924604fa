import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSchema, schemaPool, type Logger, type MigrateResult } from '@retail-stream/runtime';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

export interface PoolOptions {
  max?: number;
  connectionTimeoutMillis?: number;
  applicationName?: string;
}

/** A pool on the HQ database whose sessions see the gateway's schema (tables, migration ledger) first. */
export function gatewayPool(url: string, schema: string, opts: PoolOptions = {}): pg.Pool {
  return schemaPool(url, schema, {
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 0,
    applicationName: opts.applicationName ?? 'ingest-gateway',
  });
}

/** Creates the schema if needed and applies migrations/ (safe from several processes at once). */
export function prepareDatabase(pool: pg.Pool, schema: string, logger?: Logger): Promise<MigrateResult> {
  return prepareSchema(pool, schema, { dir: MIGRATIONS_DIR, owner: 'ingest-gateway', logger });
}
