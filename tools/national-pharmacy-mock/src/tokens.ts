import { randomBytes } from 'node:crypto';

export interface TokenGrant {
  token: string;
  ma_co_so: string;
  expiresAt: number;
}

export type TokenCheck =
  | { ok: true; ma_co_so: string }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired'; ma_co_so?: string };

/**
 * Per-account bearer tokens that expire. A new login does not revoke the account's older tokens
 * (they live until they expire, as JWTs would), so a client may hold several at once.
 */
export class TokenIssuer {
  private readonly grants = new Map<string, TokenGrant>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  issue(maCoSo: string): TokenGrant {
    this.prune();
    const grant = {
      token: randomBytes(24).toString('base64url'),
      ma_co_so: maCoSo,
      expiresAt: this.now() + this.ttlMs,
    };
    this.grants.set(grant.token, grant);
    return grant;
  }

  /** Reads `Authorization: Bearer <token>` (any token type word is accepted, as clients vary). */
  check(authorization: string | undefined): TokenCheck {
    const token = parseBearer(authorization);
    if (!token) return { ok: false, reason: 'missing' };
    const grant = this.grants.get(token);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (this.now() >= grant.expiresAt) return { ok: false, reason: 'expired', ma_co_so: grant.ma_co_so };
    return { ok: true, ma_co_so: grant.ma_co_so };
  }

  /** The account a token names, valid or not (for counting requests per account). */
  accountOf(authorization: string | undefined): string | undefined {
    const token = parseBearer(authorization);
    return token ? this.grants.get(token)?.ma_co_so : undefined;
  }

  /** Expires every live token (of one account, or all): the next call answers 401. */
  expire(maCoSo?: string): number {
    const t = this.now();
    let n = 0;
    for (const g of this.grants.values()) {
      if ((maCoSo === undefined || g.ma_co_so === maCoSo) && g.expiresAt > t) {
        g.expiresAt = t;
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.grants.clear();
  }

  /** Forgets tokens expired for a while, so a long run does not grow without bound. */
  private prune(): void {
    const horizon = this.now() - this.ttlMs;
    for (const [k, g] of this.grants) if (g.expiresAt < horizon) this.grants.delete(k);
  }
}

function parseBearer(header: string | undefined): string | undefined {
  const m = /^\s*\S+\s+(\S+)\s*$/.exec(header ?? '');
  return m?.[1];
}
