-- The national pharmacy database sync's state, inside its own Postgres schema (search_path is set by
-- the pool; see src/db.ts). The sink records documents here; workers send them and write back the
-- outcome. Nothing here is ever sent twice: a document whose send's outcome is unknown is read
-- back from the authority before it is sent again (outcome_unknown).

CREATE TABLE documents (
  id               bigserial   PRIMARY KEY,
  -- The event the document was made from: the sink's idempotency key (a redelivery changes nothing).
  event_id         text        NOT NULL UNIQUE,
  -- hoa_don | phieu_nhap | phieu_xuat; op CREATE (POST) or DELETE (a void of a sent hoa_don).
  doc_type         text        NOT NULL CHECK (doc_type IN ('hoa_don', 'phieu_nhap', 'phieu_xuat')),
  op               text        NOT NULL CHECK (op IN ('CREATE', 'DELETE')),
  -- sale | import | cancellation: the queue, each with its own concurrency.
  flow             text        NOT NULL CHECK (flow IN ('sale', 'import', 'cancellation')),
  store_id         text        NOT NULL,
  ma_co_so         text        NOT NULL,
  -- ma_hoa_don / ma_phieu: the authority addresses the document by (ma_co_so, local_id).
  local_id         text        NOT NULL,
  -- The store's transaction id of a sale (how a void finds its hoa_don).
  source_ref       text,
  -- The JSON body sent (null for a DELETE).
  payload          jsonb,
  -- Sum of the document's line amounts (thanh_tien or so_luong * don_gia), for operators and the checker.
  total_amount     bigint      NOT NULL DEFAULT 0,
  business_date    text        NOT NULL,
  occurred_at      timestamptz NOT NULL,
  status           text        NOT NULL DEFAULT 'PENDING_SYNC'
                   CHECK (status IN ('PENDING_SYNC', 'IN_FLIGHT', 'SYNC_SUCCESS', 'SYNC_FAILED', 'CANCELLED')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  -- The last send may have reached the authority (timeout, reset, 5xx, lease expired): read back first.
  outcome_unknown  boolean     NOT NULL DEFAULT false,
  -- A DELETE waits for its hoa_don to be final (a DELETE never overtakes its hoa_don).
  depends_on       bigint      REFERENCES documents (id),
  national_id      text,
  last_error       text,
  -- Why a pending document is not being sent (e.g. NATIONAL_SYNC_NO_CREDENTIALS); null when it is.
  waiting_reason   text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  synced_at        timestamptz
);

-- One CREATE and at most one DELETE per authority document.
CREATE UNIQUE INDEX documents_natural_key ON documents (doc_type, ma_co_so, local_id, op);
-- The queues' lease scan.
CREATE INDEX documents_due ON documents (flow, next_attempt_at) WHERE status = 'PENDING_SYNC';
CREATE INDEX documents_in_flight ON documents (lease_until) WHERE status = 'IN_FLIGHT';
CREATE INDEX documents_sale_ref ON documents (store_id, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX documents_store_status ON documents (store_id, status);

-- Every HTTP exchange with the authority about a document (the seed's MongoDB logs, in Postgres).
-- Logins are not logged here: their body holds the password.
CREATE TABLE attempts (
  id            bigserial   PRIMARY KEY,
  document_id   bigint      NOT NULL REFERENCES documents (id),
  attempt_no    integer     NOT NULL,
  method        text        NOT NULL,
  path          text        NOT NULL,
  request_body  jsonb,
  http_status   integer,
  response_body text,
  -- ok | rejected | retry | unknown | read_back_found | read_back_absent
  outcome       text        NOT NULL,
  error         text,
  duration_ms   integer     NOT NULL,
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attempts_document ON attempts (document_id, id);
