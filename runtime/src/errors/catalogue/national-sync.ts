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
  NATIONAL_SYNC_LOGIN_FAILED: {
    retriable: 'either',
    meaning:
      'Logging in to the national pharmacy database failed: no answer or 5xx (retriable), or the credentials were refused.',
    action:
      'Check the account in the secrets file and the authority; documents stay PENDING_SYNC and are retried with backoff.',
  },
  NATIONAL_SYNC_REJECTED: {
    retriable: false,
    meaning:
      'The authority refused a document (validation: unknown ma_thuoc or ma_co_so, bad date, missing field) or it failed after the maximum attempts; it is SYNC_FAILED with the reason in last_error.',
    action:
      'Read the reason (`retail sync status --status SYNC_FAILED`), fix the reference data, then `retail sync retry --id <id>`.',
  },
  NATIONAL_SYNC_PENDING_TOO_LONG: {
    retriable: true,
    meaning: 'Documents have been waiting to reach the authority longer than NATIONAL_SYNC_PENDING_ALERT_MS.',
    action:
      'Look at `retail sync status` for the waiting reason or last error (authority down, missing account, backlog).',
  },
} as const satisfies ErrorSection;
