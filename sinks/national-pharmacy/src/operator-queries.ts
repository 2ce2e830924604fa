import type pg from 'pg';

/** What operators filter documents by (`retail sync status|retry|cancel`, the status endpoint). */
export interface DocumentFilter {
  store?: string | undefined;
  type?: string | undefined;
  status?: string | undefined;
  /** The document's day at the store, yyyyMMdd or yyyy-MM-dd. */
  date?: string | undefined;
  ids?: string[] | undefined;
}

export const DOCUMENT_STATUSES = [
  'PENDING_SYNC',
  'IN_FLIGHT',
  'SYNC_SUCCESS',
  'SYNC_FAILED',
  'CANCELLED',
] as const;
export const DOCUMENT_TYPES = ['hoa_don', 'phieu_nhap', 'phieu_xuat'] as const;

/** WHERE clause + parameters for a filter (parameters only: the values never enter the SQL text). */
export function filterSql(f: DocumentFilter, first = 1): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    parts.push(sql.replace('?', `$${first + params.length - 1}`));
  };
  if (f.store) add('store_id = ?', f.store);
  if (f.type) add('doc_type = ?', f.type);
  if (f.status) add('status = ?', f.status);
  if (f.date) add('business_date = ?', f.date.replaceAll('-', ''));
  if (f.ids && f.ids.length > 0) add('id = ANY(?::bigint[])', f.ids);
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export interface StatusCount {
  status: string;
  doc_type: string;
  op: string;
  documents: number;
}

export async function countsByStatus(pool: pg.Pool, f: DocumentFilter = {}): Promise<StatusCount[]> {
  const { where, params } = filterSql(f);
  const res = await pool.query<StatusCount>(
    `SELECT status, doc_type, op, count(*)::int AS documents FROM documents ${where}
      GROUP BY status, doc_type, op ORDER BY status, doc_type, op`,
    params,
  );
  return res.rows;
}

export interface StoreSummary {
  store_id: string;
  ma_co_so: string;
  pending: number;
  in_flight: number;
  success: number;
  failed: number;
  cancelled: number;
  oldest_pending_at: string | null;
  waiting_reason: string | null;
}

/** Per store: counts by status, the oldest document not yet final, why it waits if it does. */
export async function storeSummaries(pool: pg.Pool, f: DocumentFilter = {}): Promise<StoreSummary[]> {
  const { where, params } = filterSql(f);
  const res = await pool.query<StoreSummary>(
    `SELECT store_id, min(ma_co_so) AS ma_co_so,
            count(*) FILTER (WHERE status = 'PENDING_SYNC')::int AS pending,
            count(*) FILTER (WHERE status = 'IN_FLIGHT')::int AS in_flight,
            count(*) FILTER (WHERE status = 'SYNC_SUCCESS')::int AS success,
            count(*) FILTER (WHERE status = 'SYNC_FAILED')::int AS failed,
            count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled,
            min(created_at) FILTER (WHERE status IN ('PENDING_SYNC', 'IN_FLIGHT')) AS oldest_pending_at,
            max(waiting_reason) AS waiting_reason
       FROM documents ${where} GROUP BY store_id ORDER BY store_id`,
    params,
  );
  return res.rows;
}

export interface DocumentRow {
  id: string;
  doc_type: string;
  op: string;
  store_id: string;
  ma_co_so: string;
  local_id: string;
  status: string;
  attempts: number;
  national_id: string | null;
  total_amount: number;
  business_date: string;
  last_error: string | null;
  waiting_reason: string | null;
  outcome_unknown: boolean;
  created_at: string;
  updated_at: string;
}

const DOCUMENT_COLUMNS = `id::text, doc_type, op, store_id, ma_co_so, local_id, status, attempts, national_id,
  total_amount::float8 AS total_amount, business_date, last_error, waiting_reason, outcome_unknown,
  created_at, updated_at`;

/** Documents matching the filter, newest change first. */
export async function listDocuments(pool: pg.Pool, f: DocumentFilter, limit = 50): Promise<DocumentRow[]> {
  const { where, params } = filterSql(f);
  const res = await pool.query<DocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM documents ${where} ORDER BY updated_at DESC, id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    params,
  );
  return res.rows;
}

/** The latest failures with the authority's reason (the dashboard panel's list). */
export function latestFailures(pool: pg.Pool, f: DocumentFilter = {}, limit = 20): Promise<DocumentRow[]> {
  return listDocuments(pool, { ...f, status: 'SYNC_FAILED' }, limit);
}

export interface OperatorChange {
  /** Documents the change applies (or would apply, on a dry run) to. */
  matched: DocumentRow[];
  /** Matched by the filter but not eligible (reason per id). */
  skipped: { id: string; status: string; reason: string }[];
  applied: number;
}

/**
 * `retail sync retry`: SYNC_FAILED documents go back to the queue with a fresh attempt budget.
 * An earlier unknown outcome stays marked, so the worker reads back before sending.
 */
export async function retryDocuments(
  pool: pg.Pool,
  f: DocumentFilter,
  dryRun: boolean,
): Promise<OperatorChange> {
  const all = await listDocuments(pool, f, 10_000);
  const matched = all.filter((d) => d.status === 'SYNC_FAILED');
  const skipped = all
    .filter((d) => d.status !== 'SYNC_FAILED')
    .map((d) => ({ id: d.id, status: d.status, reason: 'only SYNC_FAILED documents are retried' }));
  if (dryRun || matched.length === 0) return { matched, skipped, applied: 0 };
  const res = await pool.query(
    `UPDATE documents SET status = 'PENDING_SYNC', attempts = 0, next_attempt_at = now(), updated_at = now()
      WHERE id = ANY($1::bigint[]) AND status = 'SYNC_FAILED'`,
    [matched.map((d) => d.id)],
  );
  return { matched, skipped, applied: res.rowCount ?? 0 };
}

/**
 * `retail sync cancel`: documents that will not be sent. Only those the authority certainly does
 * not have (pending or failed, no unknown outcome); a sent one is voided by its sale's void.
 */
export async function cancelDocuments(
  pool: pg.Pool,
  f: DocumentFilter,
  dryRun: boolean,
): Promise<OperatorChange> {
  const all = await listDocuments(pool, f, 10_000);
  const eligible = (d: DocumentRow) =>
    (d.status === 'PENDING_SYNC' || d.status === 'SYNC_FAILED') && !d.outcome_unknown;
  const matched = all.filter(eligible);
  const skipped = all
    .filter((d) => !eligible(d))
    .map((d) => ({
      id: d.id,
      status: d.status,
      reason: d.outcome_unknown
        ? 'the authority may have it (an earlier send had no answer): retry it, then void it'
        : `a ${d.status} document cannot be cancelled`,
    }));
  if (dryRun || matched.length === 0) return { matched, skipped, applied: 0 };
  const res = await pool.query(
    `UPDATE documents SET status = 'CANCELLED', last_error = 'cancelled by an operator', waiting_reason = NULL,
            updated_at = now()
      WHERE id = ANY($1::bigint[]) AND status IN ('PENDING_SYNC', 'SYNC_FAILED') AND NOT outcome_unknown`,
    [matched.map((d) => d.id)],
  );
  return { matched, skipped, applied: res.rowCount ?? 0 };
}

/** Documents not final for longer than `olderThanMs`, oldest first (the alert's detail). */
export async function overdueDocuments(pool: pg.Pool, olderThanMs: number, limit = 5) {
  const res = await pool.query<{
    id: string;
    store_id: string;
    doc_type: string;
    local_id: string;
    age_s: number;
    last_error: string | null;
    waiting_reason: string | null;
    total: number;
  }>(
    `SELECT id::text, store_id, doc_type, local_id, extract(epoch FROM now() - created_at)::float8 AS age_s,
            last_error, waiting_reason, count(*) OVER ()::int AS total
       FROM documents
      WHERE status IN ('PENDING_SYNC', 'IN_FLIGHT') AND created_at < now() - make_interval(secs => $1::double precision / 1000)
      ORDER BY created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return { total: res.rows[0]?.total ?? 0, oldest: res.rows.map(({ total: _t, ...r }) => r) };
}

export async function oldestPendingSeconds(pool: pg.Pool): Promise<number> {
  const res = await pool.query<{ age: number | null }>(
    `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM documents
      WHERE status IN ('PENDING_SYNC', 'IN_FLIGHT')`,
  );
  return res.rows[0]?.age ?? 0;
}
