import {
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  MIGRATIONS_DIR,
  syncDatabaseConfig,
  type DocumentFilter,
} from '@retail-stream/national-pharmacy-sink';
import { parseConfig } from '@retail-stream/runtime';
import { Option, type Command } from 'commander';
import type pg from 'pg';
import type { CliContext } from '../cli-kit/context.ts';
import { usageError } from '../cli-kit/exit-codes.ts';

/** The filters every `retail sync` subcommand takes, as commander gives them. */
export interface SyncFilterOptions {
  store?: string;
  type?: string;
  status?: string;
  date?: string;
  id?: string[];
}

const ids = (value: string, previous: string[] | undefined): string[] => {
  const more = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of more) if (!/^\d+$/.test(id)) throw usageError(`--id ${id}: a document id is a number`);
  return [...(previous ?? []), ...more];
};

export function addSyncFilters(cmd: Command): Command {
  return cmd
    .option('--store <id>', 'only this store')
    .addOption(new Option('--type <type>', 'only this document type').choices([...DOCUMENT_TYPES]))
    .addOption(new Option('--status <status>', 'only this status').choices([...DOCUMENT_STATUSES]))
    .option('--date <day>', 'only documents of this day at the store (yyyy-MM-dd or yyyyMMdd)')
    .option('--id <ids>', 'only these document ids (comma-separated, repeatable)', ids);
}

export function filterOf(o: SyncFilterOptions): DocumentFilter {
  if (o.date && !/^\d{4}-?\d{2}-?\d{2}$/.test(o.date)) throw usageError(`--date ${o.date}: use yyyy-MM-dd`);
  return { store: o.store, type: o.type, status: o.status, date: o.date, ids: o.id };
}

export const isEmptyFilter = (f: DocumentFilter): boolean =>
  !f.store && !f.type && !f.status && !f.date && !(f.ids && f.ids.length > 0);

/**
 * The sync's schema in the HQ database (NATIONAL_SYNC_PG_SCHEMA, default national_sync), migrated
 * if needed, on the CLI's pool (closed with the other clients).
 */
export function syncDb(ctx: CliContext): Promise<pg.Pool> {
  const config = parseConfig(syncDatabaseConfig, ctx.envWith());
  return ctx.schemaPool(config.NATIONAL_SYNC_PG_SCHEMA, MIGRATIONS_DIR);
}
