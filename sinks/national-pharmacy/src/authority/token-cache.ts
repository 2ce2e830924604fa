import type { Credentials, LoginResult } from './authority-client.ts';

interface Entry {
  token: string | null;
  login: Promise<string> | null;
}

/**
 * One token per account, cached; logins are single-flight: however many workers need a token (or
 * hit a 401 with the same stale token) at once, one login runs and all wait for it.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly login: (c: Credentials) => Promise<LoginResult>,
    /** Called once per login actually made (the token refreshes counter). */
    private readonly onLogin: (reason: 'initial' | 'unauthorized') => void = () => undefined,
  ) {}

  async get(account: string, credentials: Credentials): Promise<string> {
    const entry = this.entry(account);
    if (entry.token) return entry.token;
    return this.startLogin(entry, credentials, 'initial');
  }

  /**
   * A call with `stale` was answered 401: forget it, unless another worker already replaced it (then
   * its new token, or the login in flight, is used). Returns the token to retry with.
   */
  async refresh(account: string, credentials: Credentials, stale: string): Promise<string> {
    const entry = this.entry(account);
    if (entry.token && entry.token !== stale) return entry.token;
    if (entry.login) return entry.login;
    entry.token = null;
    return this.startLogin(entry, credentials, 'unauthorized');
  }

  private entry(account: string): Entry {
    let entry = this.entries.get(account);
    if (!entry) {
      entry = { token: null, login: null };
      this.entries.set(account, entry);
    }
    return entry;
  }

  private startLogin(
    entry: Entry,
    credentials: Credentials,
    reason: 'initial' | 'unauthorized',
  ): Promise<string> {
    if (entry.login) return entry.login;
    this.onLogin(reason);
    const login = this.login(credentials).then(
      (r) => {
        entry.token = r.token;
        entry.login = null;
        return r.token;
      },
      (err: unknown) => {
        entry.login = null;
        throw err;
      },
    );
    entry.login = login;
    return login;
  }
}
