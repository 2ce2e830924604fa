-- Store epoch (issue 13, sequence safety): the identity of this database. store_seq is gap-free
-- from 1 within one database; a database rebuilt from scratch restarts it at 1, so HQ must never
-- compare its sequences with the old database's. The epoch is drawn once, when the database is
-- created (or, for a database from before epochs, when this migration first runs), and never
-- changes: the relay sends it on every record (store.epoch header) and ingest keeps one dedup
-- state per (store, epoch); a new epoch is accepted only after `retail store epoch --start`.
-- One row (singleton). Idempotent like 0003/0004, so replaying the ledger keeps the epoch.
CREATE TABLE IF NOT EXISTS store_epoch (
  singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch_id   uuid        NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO store_epoch DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING;
