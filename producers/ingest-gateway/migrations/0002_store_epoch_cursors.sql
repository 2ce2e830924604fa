-- Store epochs (issue 13, sequence safety): a store database rebuilt from scratch restarts its
-- store_seq at 1 under a new epoch (the relay's X-Store-Epoch header, the store database's
-- store_epoch row). One cursor per (store, epoch), so the new epoch's events are never answered
-- "duplicate" against the old database's cursor (which would lose them: the relay marks duplicates
-- published). Rows from before epochs, and relays that send no epoch, are the 'legacy' epoch.
ALTER TABLE ingest_store_cursors ADD COLUMN IF NOT EXISTS epoch text NOT NULL DEFAULT 'legacy';
ALTER TABLE ingest_store_cursors DROP CONSTRAINT IF EXISTS ingest_store_cursors_pkey;
ALTER TABLE ingest_store_cursors ADD PRIMARY KEY (store_id, epoch);
