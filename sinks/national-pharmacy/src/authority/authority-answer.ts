/**
 * Reading the authority's answers. Clients in the wild disagree, so both forms are accepted:
 * `code` as a number or a string, the text in `mess` or `message`. Pure.
 */

export interface AuthorityAnswer {
  httpStatus: number;
  /** The raw body (what the attempts log keeps). */
  text: string;
  /** `code` of the body as a number; null when absent or not numeric. */
  code: number | null;
  /** `mess` or `message`. */
  message: string | null;
  /** ma_hoa_don_quoc_gia / ma_phieu_nhap_quoc_gia / ma_phieu_xuat_quoc_gia when present. */
  nationalId: string | null;
  /** Retry-After in milliseconds (seconds or an HTTP date); null when absent. */
  retryAfterMs: number | null;
  body: Record<string, unknown> | null;
}

/** What an answer means for the document. */
export type AnswerKind =
  'ok' | 'unauthorized' | 'throttled' | 'unavailable' | 'not_found' | 'duplicate' | 'rejected';

const NATIONAL_ID_FIELDS = ['ma_hoa_don_quoc_gia', 'ma_phieu_nhap_quoc_gia', 'ma_phieu_xuat_quoc_gia'];
const DUPLICATE_TEXT = /đã tồn tại|da ton tai|already exists|duplicate|trùng/i;

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function nationalIdIn(body: Record<string, unknown> | null): string | null {
  if (!body) return null;
  for (const source of [body, asRecord(body.data)]) {
    if (!source) continue;
    for (const field of NATIONAL_ID_FIELDS) {
      const v = source[field];
      if ((typeof v === 'string' && v.length > 0) || typeof v === 'number') return String(v);
    }
  }
  return null;
}

export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

export function parseAnswer(httpStatus: number, text: string, retryAfter: string | null): AuthorityAnswer {
  let body: Record<string, unknown> | null = null;
  try {
    body = asRecord(JSON.parse(text));
  } catch {
    body = null;
  }
  const rawCode = body?.code;
  const code = rawCode === undefined || rawCode === null || rawCode === '' ? null : Number(rawCode);
  const mess = body?.mess ?? body?.message;
  return {
    httpStatus,
    text,
    code: code !== null && Number.isFinite(code) ? code : null,
    message: typeof mess === 'string' ? mess : null,
    nationalId: nationalIdIn(body),
    retryAfterMs: parseRetryAfter(retryAfter),
    body,
  };
}

/**
 * The answer's meaning: success is HTTP 2xx with `code == 200` (a 2xx without a code counts as
 * success too: DELETE answers may carry none); 401 → log in again; 429 → back off; 5xx → unknown
 * outcome, back off; 404 → not there; "already exists" → the document is there (our local id is
 * unique, so it is ours); anything else → the authority refuses the data.
 */
export function kindOf(a: AuthorityAnswer): AnswerKind {
  const status = a.httpStatus;
  const code = a.code;
  if (status === 401 || code === 401) return 'unauthorized';
  if (status === 429 || code === 429) return 'throttled';
  if (status >= 500 || (code !== null && code >= 500)) return 'unavailable';
  if (status >= 200 && status < 300 && (code === null || code === 200)) return 'ok';
  if (status === 404 || code === 404) return 'not_found';
  if (status === 409 || code === 409 || DUPLICATE_TEXT.test(a.message ?? '')) return 'duplicate';
  return 'rejected';
}

/** The authority's own words for an answer, for last_error and operators. */
export function describeAnswer(a: AuthorityAnswer): string {
  const text = a.message ?? a.text.slice(0, 300);
  return `HTTP ${a.httpStatus}${a.code !== null ? ` code ${a.code}` : ''}: ${text}`;
}
