import type { ErrorSection } from './entry.ts';

/** The national pharmacy database sync (sinks/national-pharmacy) and its mock authority. */
export const nationalSyncErrors = {
  NATIONAL_SYNC_NO_CREDENTIALS: {
    retriable: false,
    meaning:
      'A pharmacy store has documents to send but no national database account is configured for its ma_co_so.',
    action:
      'Add the account to the secrets file (NATIONAL_SYNC_ACCOUNTS_FILE); waiting documents are sent once it is there.',
  },
} as const satisfies ErrorSection;
