-- Checkout in at most two autocommit statements (issue 14 item 6): a read, then ONE write statement
-- of data-modifying CTEs that claims the idempotency key, applies the change, stores the answer and
-- appends the outbox rows. Without BEGIN … FOR UPDATE … COMMIT, what the read saw is checked by the
-- write instead (optimistic concurrency), and these two objects make that possible. Idempotent, like
-- 0003-0006, so replaying the ledger changes nothing.

-- Bumped by every request that changes a sale or anything belonging to it (lines, payments, sold
-- lots): the guarded write's `WHERE version = <as read>` then fails if anything changed in between,
-- and the request re-reads. Requests that still lock the sale (void, refund, card/QR payments, QR
-- callbacks) bump it in their lock statement. A constant default: a catalogue-only change.
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 0;

-- The write statement's way to undo itself: a single statement is atomic, so raising here (from its
-- final SELECT, when a guard or a row count did not hold) rolls back every CTE already run — the
-- claimed key, the sale, stock, lots, store_seq and the outbox rows — and the edge sees `code`
-- (40001: read again and retry). VOLATILE, so it is only ever called where the CASE reaches it.
CREATE OR REPLACE FUNCTION store_edge_abort(code text, message text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
END $$;
