import type { ErrorSection } from './entry.ts';

/** The runtime library's own codes: config, Postgres helpers, topics, and the fallbacks. */
export const runtimeErrors = {
  UNEXPECTED: {
    retriable: false,
    meaning: 'An error without a code of ours (a library or runtime error) reached a log or metric.',
    action: 'Read the logged stack; if it can recur, give the failure a catalogue code where it is raised.',
  },
  CONFIG_INVALID: {
    retriable: false,
    meaning: 'The environment or flags of a service failed validation at start; the service exits.',
    action: 'Fix the variables listed in the message (see the package README) and start the service again.',
  },
  INVALID_DATABASE_NAME: {
    retriable: false,
    meaning: 'A Postgres database name is not lower-case letters, digits and _ (at most 63 characters).',
    action: 'Correct the database name in the service configuration.',
  },
  TOPICS_NOT_READY: {
    retriable: true,
    meaning: 'Topics were created but not every broker serves them yet within the wait.',
    action: 'Usually passes on its own; if it persists, check broker health with `npm run infra:status`.',
  },
  MIGRATION_BAD_FILE_NAME: {
    retriable: false,
    meaning: 'A Postgres migration file is not named NNNN_name.sql with a version from 0001.',
    action: 'Rename the migration file in the package; this is a build mistake, not a runtime state.',
  },
  MIGRATION_DUPLICATE_VERSION: {
    retriable: false,
    meaning: 'Two Postgres migration files share a version number.',
    action: 'Renumber one of the files (never one that is already applied anywhere).',
  },
  MIGRATION_FAILED: {
    retriable: false,
    meaning: 'A Postgres migration failed while applying; its transaction was rolled back.',
    action: 'Read the database error in the message, fix the migration or the database, run migrate again.',
  },
  MIGRATION_UNKNOWN_APPLIED: {
    retriable: false,
    meaning: 'The database has a migration this code does not know: a newer version migrated it.',
    action: 'Deploy the newer version, or restore the database to match this one.',
  },
  MIGRATION_CHECKSUM_MISMATCH: {
    retriable: false,
    meaning: 'An applied Postgres migration file was changed afterwards.',
    action: 'Restore the file as applied and put the change in a new migration.',
  },
  MIGRATION_OUT_OF_ORDER: {
    retriable: false,
    meaning: 'A Postgres migration that is not applied has a lower version than one that is.',
    action: 'Renumber the new migration above the highest applied version.',
  },
} as const satisfies ErrorSection;
