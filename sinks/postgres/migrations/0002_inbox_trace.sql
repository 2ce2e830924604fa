-- Where each applied event was on its way, so `retail trace` answers from this table alone
-- (no topic scans): the raw record (retail.pos.events partition/offset and its broker timestamp,
-- from the headers ingest adds; see stream-processors/ingest/src/trace-headers.ts) and the enriched
-- record's broker timestamp (its partition/offset are source_partition/source_offset).
-- Nullable: rows written before this migration, or from records without the headers, have none.
ALTER TABLE hq_inbox ADD COLUMN IF NOT EXISTS raw_partition integer;
ALTER TABLE hq_inbox ADD COLUMN IF NOT EXISTS raw_offset bigint;
ALTER TABLE hq_inbox ADD COLUMN IF NOT EXISTS raw_at timestamptz;
ALTER TABLE hq_inbox ADD COLUMN IF NOT EXISTS enriched_at timestamptz;

-- `retail trace --store S --seq N` and reconciliation read a store's events by sequence.
CREATE INDEX IF NOT EXISTS hq_inbox_store_seq ON hq_inbox (store_id, store_seq);
