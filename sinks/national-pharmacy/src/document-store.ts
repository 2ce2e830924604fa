import type pg from 'pg';
import type { CreatePlan, DocumentPlan, VoidPlan } from './mapping/document-plans.ts';

/** Why a pharmacy's documents wait: no account for its ma_co_so (catalogue code first). */
export function noCredentialsReason(maCoSo: string): string {
  return `NATIONAL_SYNC_NO_CREDENTIALS: no national database account configured for ma_co_so ${maCoSo}`;
}

export interface RecordResult {
  recorded: number;
  cancelled: number;
  deletes: number;
}

/**
 * Records one Kafka batch's documents in one transaction (the caller's), in offset order, keyed by
 * the event id: a redelivered batch inserts nothing and cancels nothing again. The kit commits the
 * offsets after this resolves, so a document is durably queued before its event is consumed.
 */
export async function recordPlans(
  client: pg.ClientBase,
  plans: DocumentPlan[],
  hasAccount: (maCoSo: string) => boolean,
): Promise<RecordResult> {
  const result: RecordResult = { recorded: 0, cancelled: 0, deletes: 0 };
  let creates: CreatePlan[] = [];
  for (const plan of plans) {
    if (plan.kind === 'create') {
      creates.push(plan);
      continue;
    }
    // A void must see the sale recorded before it in the same batch.
    result.recorded += await insertCreates(client, creates, hasAccount);
    creates = [];
    const outcome = await applyVoid(client, plan);
    if (outcome === 'cancelled') result.cancelled++;
    if (outcome === 'delete') result.deletes++;
  }
  result.recorded += await insertCreates(client, creates, hasAccount);
  return result;
}

async function insertCreates(
  client: pg.ClientBase,
  plans: CreatePlan[],
  hasAccount: (maCoSo: string) => boolean,
): Promise<number> {
  if (plans.length === 0) return 0;
  const rows = plans.map((p) => ({
    event_id: p.eventId,
    doc_type: p.docType,
    flow: p.flow,
    store_id: p.storeId,
    ma_co_so: p.maCoSo,
    local_id: p.localId,
    source_ref: p.sourceRef,
    payload: p.payload,
    total_amount: p.totalAmount,
    business_date: p.businessDate,
    occurred_at: new Date(p.occurredAt).toISOString(),
    waiting_reason: hasAccount(p.maCoSo) ? null : noCredentialsReason(p.maCoSo),
  }));
  // One statement for the batch; any unique key already there (event id, or the same document
  // from another event) means it is recorded already.
  const res = await client.query(
    `INSERT INTO documents (event_id, doc_type, op, flow, store_id, ma_co_so, local_id, source_ref,
                            payload, total_amount, business_date, occurred_at, waiting_reason)
     SELECT r.event_id, r.doc_type, 'CREATE', r.flow, r.store_id, r.ma_co_so, r.local_id, r.source_ref,
            r.payload, r.total_amount, r.business_date, r.occurred_at, r.waiting_reason
       FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, doc_type text, flow text, store_id text,
            ma_co_so text, local_id text, source_ref text, payload jsonb, total_amount bigint,
            business_date text, occurred_at timestamptz, waiting_reason text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return res.rowCount ?? 0;
}

interface SaleDocRow {
  id: string;
  status: string;
  attempts: number;
  outcome_unknown: boolean;
  ma_co_so: string;
  local_id: string;
}

/**
 * A void of a paid sale. Its hoa_don never tried (pending, no attempt): CANCELLED here and never
 * sent. Tried or sent (or its outcome unknown): a DELETE document that waits until the hoa_don is
 * final, so it never overtakes it. No hoa_don (not a pharmacy sale, no medicine): nothing.
 * The row lock makes the decision race-free against a worker leasing the hoa_don.
 */
async function applyVoid(client: pg.ClientBase, plan: VoidPlan): Promise<'cancelled' | 'delete' | 'none'> {
  const found = await client.query<SaleDocRow>(
    `SELECT id, status, attempts, outcome_unknown, ma_co_so, local_id FROM documents
      WHERE store_id = $1 AND source_ref = $2 AND doc_type = 'hoa_don' AND op = 'CREATE'
      FOR UPDATE`,
    [plan.storeId, plan.transactionId],
  );
  const sale = found.rows[0];
  if (!sale || sale.status === 'CANCELLED') return 'none';
  if (sale.status === 'PENDING_SYNC' && sale.attempts === 0 && !sale.outcome_unknown) {
    await client.query(
      `UPDATE documents SET status = 'CANCELLED', waiting_reason = NULL, updated_at = now(),
              last_error = $2
        WHERE id = $1`,
      [sale.id, `voided before it was sent (void event ${plan.eventId})`],
    );
    return 'cancelled';
  }
  const res = await client.query(
    `INSERT INTO documents (event_id, doc_type, op, flow, store_id, ma_co_so, local_id, source_ref,
                            payload, business_date, occurred_at, depends_on)
     VALUES ($1, 'hoa_don', 'DELETE', 'cancellation', $2, $3, $4, $5, NULL, $6, $7, $8)
     ON CONFLICT DO NOTHING`,
    [
      plan.eventId,
      plan.storeId,
      sale.ma_co_so,
      sale.local_id,
      plan.transactionId,
      plan.businessDate,
      new Date(plan.occurredAt).toISOString(),
      sale.id,
    ],
  );
  return (res.rowCount ?? 0) > 0 ? 'delete' : 'none';
}
