import type cassandra from 'cassandra-driver';
import { copyTransactionsByStore } from './copy-transactions-by-store.ts';

/**
 * Data steps CQL cannot express (Cassandra has no INSERT … SELECT), by migration version: run after
 * that migration's statements and before it is recorded, so a crash midway runs the step again
 * (each step must be re-runnable).
 */
export type MigrationStep = (client: cassandra.Client, keyspace: string) => Promise<unknown>;

export const MIGRATION_STEPS: Readonly<Record<number, MigrationStep>> = {
  2: copyTransactionsByStore,
};
