import { AppError, currentTraceContext, startTrace, traceHeaders } from '@retail-stream/runtime';
import { parseAnswer, type AuthorityAnswer } from './authority-answer.ts';

/** The outcome of one HTTP call: an answer, or none (timeout, reset, refused) — outcome unknown. */
export type CallResult =
  | { kind: 'answer'; answer: AuthorityAnswer; durationMs: number }
  | { kind: 'no-answer'; error: string; durationMs: number };

export interface Credentials {
  usr: string;
  pwd: string;
}

export interface LoginResult {
  token: string;
  tokenType: string;
}

/**
 * HTTP to the national pharmacy database (fetch, a timeout per call). Knows the paths and the
 * login; what an answer means for a document is decided elsewhere (authority-answer.ts).
 */
export class AuthorityClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  static pathOf(docType: string): string {
    return `/api/lien_thong/${docType}`;
  }

  static addressOf(docType: string, maCoSo: string, localId: string): string {
    return `/api/lien_thong/${docType}/${encodeURIComponent(maCoSo)}/${encodeURIComponent(localId)}`;
  }

  async call(method: string, path: string, body: unknown, token: string | null): Promise<CallResult> {
    const started = performance.now();
    // The ambient trace (a document sent while handling a record), else one per call: the
    // authority's logs can then be matched with ours by the traceparent it received.
    const trace = traceHeaders(currentTraceContext() ?? startTrace());
    const headers: Record<string, string> = { accept: 'application/json', ...trace };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      const res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      return {
        kind: 'answer',
        answer: parseAnswer(res.status, text, res.headers.get('retry-after')),
        durationMs: performance.now() - started,
      };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const name = (err as Error).name;
      const error =
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${this.timeoutMs} ms`
          : `connection failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
      return { kind: 'no-answer', error, durationMs: performance.now() - started };
    }
  }

  /**
   * POST /api/tai_khoan/dang_nhap. Throws AppError NATIONAL_SYNC_LOGIN_FAILED (retriable when the
   * authority did not answer or answered 5xx/429; not when it refused the credentials). The
   * password never appears in an error.
   */
  async login(c: Credentials): Promise<LoginResult> {
    const r = await this.call('POST', '/api/tai_khoan/dang_nhap', { usr: c.usr, pwd: c.pwd }, null);
    if (r.kind === 'no-answer') {
      throw new AppError('NATIONAL_SYNC_LOGIN_FAILED', `login as ${c.usr}: ${r.error}`, { retriable: true });
    }
    const a = r.answer;
    const data = (a.body?.data ?? null) as { token?: unknown; token_type?: unknown } | null;
    const token =
      typeof data?.token === 'string' ? data.token : typeof a.body?.token === 'string' ? a.body.token : null;
    if (a.httpStatus >= 200 && a.httpStatus < 300 && (a.code === null || a.code === 200) && token) {
      return { token, tokenType: typeof data?.token_type === 'string' ? data.token_type : 'Bearer' };
    }
    const transient = a.httpStatus >= 500 || a.httpStatus === 429;
    throw new AppError(
      'NATIONAL_SYNC_LOGIN_FAILED',
      `login as ${c.usr} refused: HTTP ${a.httpStatus} ${a.message ?? ''}`.trim(),
      { retriable: transient, details: { retryAfterMs: a.retryAfterMs } },
    );
  }
}
