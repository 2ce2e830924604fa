import { readFileSync } from 'node:fs';
import { AppError } from '@retail-stream/runtime';
import type { Credentials } from './authority-client.ts';

/**
 * The pharmacies' national database accounts, from a secrets file or an environment variable.
 * Accepted shapes: `{"<ma_co_so>": {"usr","pwd"}}` or `[{"ma_co_so","usr","pwd"}]`. Passwords never
 * leave this map (no log line, no error message names one).
 */
export type Accounts = ReadonlyMap<string, Credentials>;

export function parseAccounts(json: string, source: string): Map<string, Credentials> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new AppError('CONFIG_INVALID', `${source}: not JSON`);
  }
  const out = new Map<string, Credentials>();
  const add = (maCoSo: unknown, v: unknown) => {
    const c = v as { usr?: unknown; pwd?: unknown } | null;
    if (typeof maCoSo !== 'string' || typeof c?.usr !== 'string' || typeof c.pwd !== 'string') {
      throw new AppError('CONFIG_INVALID', `${source}: each account needs ma_co_so, usr and pwd (strings)`);
    }
    out.set(maCoSo, { usr: c.usr, pwd: c.pwd });
  };
  if (Array.isArray(raw)) for (const a of raw) add((a as { ma_co_so?: unknown })?.ma_co_so, a);
  else if (typeof raw === 'object' && raw !== null) for (const [k, v] of Object.entries(raw)) add(k, v);
  else throw new AppError('CONFIG_INVALID', `${source}: expected an object or an array of accounts`);
  return out;
}

export interface AccountSources {
  NATIONAL_SYNC_ACCOUNTS_FILE?: string | undefined;
  NATIONAL_SYNC_ACCOUNTS?: string | undefined;
}

/** Both sources merged (the file wins). Read again by the sweeper, so a new account needs no restart. */
export function loadAccounts(src: AccountSources): Map<string, Credentials> {
  const out = new Map<string, Credentials>();
  if (src.NATIONAL_SYNC_ACCOUNTS) {
    for (const [k, v] of parseAccounts(src.NATIONAL_SYNC_ACCOUNTS, 'NATIONAL_SYNC_ACCOUNTS')) out.set(k, v);
  }
  if (src.NATIONAL_SYNC_ACCOUNTS_FILE) {
    let text: string;
    try {
      text = readFileSync(src.NATIONAL_SYNC_ACCOUNTS_FILE, 'utf8');
    } catch (err) {
      throw new AppError(
        'CONFIG_INVALID',
        `NATIONAL_SYNC_ACCOUNTS_FILE: cannot read (${(err as NodeJS.ErrnoException).code})`,
      );
    }
    for (const [k, v] of parseAccounts(text, 'NATIONAL_SYNC_ACCOUNTS_FILE')) out.set(k, v);
  }
  return out;
}
