import type pg from 'pg';
import type { DocOp, DocType, Flow } from '../mapping/national-documents.ts';

/** A leased document, as a worker needs it. */
export interface LeasedDocument {
  id: string;
  docType: DocType;
  op: DocOp;
  flow: Flow;
  storeId: string;
  maCoSo: string;
  localId: string;
  payload: unknown;
  attempt: number;
  outcomeUnknown: boolean;
}

/** One HTTP exchange about a document, for the attempts log. */
export interface AttemptRecord {
  method: string;
  path: string;
  request_body: unknown;
  http_status: number | null;
  response_body: string | null;
  outcome: string;
  error: string | null;
  duration_ms: number;
}

/** How a worker's turn with a document ended. */
export type Settlement =
  | { status: 'SYNC_SUCCESS'; nationalId: string | null }
  | { status: 'SYNC_FAILED'; error: string }
  | { status: 'RETRY'; error: string; delayMs: number; outcomeUnknown: boolean }
  | { status: 'WAIT'; reason: string; delayMs: number };

/** One worker's outcome to write. */
export interface SettleItem {
  doc: LeasedDocument;
  settlement: Settlement;
  attempts: AttemptRecord[];
}

interface LeasedRow {
  id: string;
  doc_type: DocType;
  op: DocOp;
  flow: Flow;
  store_id: string;
  ma_co_so: string;
  local_id: string;
  payload: unknown;
  attempts: number;
  outcome_unknown: boolean;
}

/**
 * The queues in the documents table: lease with FOR UPDATE SKIP LOCKED (several workers and
 * several processes never take the same document), settle with the attempts in one statement,
 * and the sweeper's re-queue of expired leases.
 */
export class DocumentQueue {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Up to `limit` due documents of a flow for accounts we hold credentials for, oldest due first.
   * A DELETE is due only once its hoa_don is final (sent, failed or cancelled).
   */
  async lease(flow: Flow, limit: number, accounts: string[], leaseMs: number): Promise<LeasedDocument[]> {
    if (limit <= 0 || accounts.length === 0) return [];
    const res = await this.pool.query<LeasedRow>(
      `WITH picked AS (
         SELECT d.id FROM documents d
          WHERE d.status = 'PENDING_SYNC' AND d.flow = $1 AND d.next_attempt_at <= now()
            AND d.ma_co_so = ANY($2::text[])
            AND (d.depends_on IS NULL OR EXISTS (
                  SELECT 1 FROM documents p WHERE p.id = d.depends_on
                     AND p.status IN ('SYNC_SUCCESS', 'SYNC_FAILED', 'CANCELLED')))
          ORDER BY d.next_attempt_at, d.id
          LIMIT $3
          FOR UPDATE OF d SKIP LOCKED)
       UPDATE documents d
          SET status = 'IN_FLIGHT', attempts = d.attempts + 1, waiting_reason = NULL,
              lease_until = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
         FROM picked WHERE d.id = picked.id
       RETURNING d.id, d.doc_type, d.op, d.flow, d.store_id, d.ma_co_so, d.local_id, d.payload,
                 d.attempts, d.outcome_unknown`,
      [flow, accounts, limit, leaseMs],
    );
    return res.rows.map((r) => ({
      id: r.id,
      docType: r.doc_type,
      op: r.op,
      flow: r.flow,
      storeId: r.store_id,
      maCoSo: r.ma_co_so,
      localId: r.local_id,
      payload: r.payload,
      attempt: r.attempts,
      outcomeUnknown: r.outcome_unknown,
    }));
  }

  /**
   * Writes workers' outcomes and their HTTP exchanges, many documents in one statement (the
   * SettleBatcher groups the workers that finish together). A document is only written while its
   * worker still holds the lease (same attempt, still IN_FLIGHT): a worker whose lease expired and
   * was handed out again changes nothing. Returns the ids that applied.
   */
  async settleMany(items: readonly SettleItem[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const rows = items.map(({ doc, settlement: s }) => ({
      id: doc.id,
      attempt: doc.attempt,
      status: s.status === 'RETRY' || s.status === 'WAIT' ? 'PENDING_SYNC' : s.status,
      national_id: s.status === 'SYNC_SUCCESS' ? s.nationalId : null,
      error: s.status === 'SYNC_FAILED' || s.status === 'RETRY' ? s.error : null,
      waiting: s.status === 'WAIT' ? s.reason : null,
      // An unknown outcome stays unknown until a read-back or an answer settles it.
      unknown: s.status === 'RETRY' ? s.outcomeUnknown : doc.outcomeUnknown && s.status !== 'SYNC_SUCCESS',
      delay_ms: s.status === 'RETRY' || s.status === 'WAIT' ? s.delayMs : 0,
    }));
    const exchanges = items.flatMap(({ doc, attempts }) =>
      attempts.map((a) => ({ ...a, document_id: doc.id })),
    );
    const res = await this.pool.query<{ id: string }>(
      `WITH s AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, attempt integer, status text,
                national_id text, error text, waiting text, unknown boolean, delay_ms double precision)),
       doc AS (
         UPDATE documents d SET
           status = s.status,
           national_id = COALESCE(s.national_id, d.national_id),
           last_error = CASE WHEN s.status = 'SYNC_SUCCESS' THEN NULL ELSE COALESCE(s.error, d.last_error) END,
           waiting_reason = s.waiting,
           outcome_unknown = s.unknown,
           -- a wait for credentials is not an attempt
           attempts = CASE WHEN s.waiting IS NULL THEN d.attempts ELSE d.attempts - 1 END,
           next_attempt_at = now() + make_interval(secs => s.delay_ms / 1000),
           lease_until = NULL,
           synced_at = CASE WHEN s.status = 'SYNC_SUCCESS' THEN now() ELSE d.synced_at END,
           updated_at = now()
         FROM s WHERE d.id = s.id AND d.status = 'IN_FLIGHT' AND d.attempts = s.attempt
         RETURNING d.id, s.attempt),
       logged AS (
         INSERT INTO attempts (document_id, attempt_no, method, path, request_body, http_status,
                               response_body, outcome, error, duration_ms)
         SELECT doc.id, doc.attempt, a.method, a.path, a.request_body, a.http_status, a.response_body,
                a.outcome, a.error, a.duration_ms
           FROM jsonb_to_recordset($2::jsonb) AS a(document_id bigint, method text, path text,
                request_body jsonb, http_status integer, response_body text, outcome text, error text,
                duration_ms integer)
           JOIN doc ON doc.id = a.document_id
         RETURNING 1)
       SELECT id::text AS id FROM doc`,
      [JSON.stringify(rows), JSON.stringify(exchanges)],
    );
    return new Set(res.rows.map((r) => r.id));
  }

  /** Leased documents never started (a dispatcher stopping): back to the queue as they were. */
  async release(docs: readonly LeasedDocument[]): Promise<void> {
    await this.pool.query(
      `UPDATE documents d SET status = 'PENDING_SYNC', attempts = d.attempts - 1, lease_until = NULL,
              updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, attempt integer)
        WHERE d.id = r.id AND d.status = 'IN_FLIGHT' AND d.attempts = r.attempt`,
      [JSON.stringify(docs.map((d) => ({ id: d.id, attempt: d.attempt })))],
    );
  }

  /**
   * Leases that expired (the worker died or stalled mid-request) go back to the queue, marked
   * outcome unknown: the next worker reads the document back before sending it again.
   */
  async requeueExpired(): Promise<number> {
    const res = await this.pool.query(
      `UPDATE documents SET status = 'PENDING_SYNC', lease_until = NULL, outcome_unknown = true,
              next_attempt_at = now(), last_error = 'lease expired mid-request (worker died or stalled)',
              updated_at = now()
        WHERE status = 'IN_FLIGHT' AND lease_until < now()`,
    );
    return res.rowCount ?? 0;
  }

  /** Pending documents of accounts without credentials get the reason; the others lose it. */
  async markWaiting(accounts: string[], reasonOf: (maCoSo: string) => string): Promise<void> {
    const missing = await this.pool.query<{ ma_co_so: string }>(
      `SELECT DISTINCT ma_co_so FROM documents
        WHERE status = 'PENDING_SYNC' AND NOT (ma_co_so = ANY($1::text[]))`,
      [accounts],
    );
    await this.pool.query(
      `UPDATE documents SET waiting_reason = NULL, updated_at = now()
        WHERE status = 'PENDING_SYNC' AND waiting_reason IS NOT NULL AND ma_co_so = ANY($1::text[])`,
      [accounts],
    );
    for (const { ma_co_so } of missing.rows) {
      await this.pool.query(
        `UPDATE documents SET waiting_reason = $2, updated_at = now()
          WHERE status = 'PENDING_SYNC' AND ma_co_so = $1 AND waiting_reason IS DISTINCT FROM $2`,
        [ma_co_so, reasonOf(ma_co_so)],
      );
    }
  }
}
