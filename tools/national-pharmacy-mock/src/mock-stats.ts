/** Per-endpoint names in counts: `POST hoa_don`, `DELETE phieu_xuat`, `POST dang_nhap`, … */
export type EndpointName = string;

export interface MockStats {
  /** Every API request by endpoint (faulted ones included). */
  requests: Record<EndpointName, number>;
  /** Requests by account (ma_co_so from the token or the login's usr; '?' when unknown), then endpoint. */
  byAccount: Record<string, Record<EndpointName, number>>;
  /** Answers by HTTP status ('timeout' for the ones never answered). */
  responses: Record<string, number>;
  /** Logins by account: granted and refused (wrong password for a known usr). */
  logins: Record<string, { ok: number; refused: number }>;
  /** Faults injected by kind: error, rate-limit, timeout, maintenance. */
  faults: Record<string, number>;
}

/** Counts for tests and the control API; plain objects so a snapshot is a JSON copy. */
export class StatsRecorder {
  private stats: MockStats = empty();

  request(endpoint: EndpointName, account: string | undefined): void {
    const s = this.stats;
    s.requests[endpoint] = (s.requests[endpoint] ?? 0) + 1;
    const perAccount = (s.byAccount[account ?? '?'] ??= {});
    perAccount[endpoint] = (perAccount[endpoint] ?? 0) + 1;
  }

  response(status: number | 'timeout'): void {
    const k = String(status);
    this.stats.responses[k] = (this.stats.responses[k] ?? 0) + 1;
  }

  login(maCoSo: string, ok: boolean): void {
    const l = (this.stats.logins[maCoSo] ??= { ok: 0, refused: 0 });
    if (ok) l.ok++;
    else l.refused++;
  }

  fault(kind: string): void {
    this.stats.faults[kind] = (this.stats.faults[kind] ?? 0) + 1;
  }

  snapshot(): MockStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = empty();
  }
}

function empty(): MockStats {
  return { requests: {}, byAccount: {}, responses: {}, logins: {}, faults: {} };
}
