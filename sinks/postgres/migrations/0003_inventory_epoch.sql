-- Store epochs (issue 13, sequence safety): a store database rebuilt from scratch restarts its
-- store_seq at 1 under a new epoch (the store.epoch header ingest keeps on enriched records).
-- hq_inventory keeps "the on_hand_after of the highest store_seq", which only means something
-- within one epoch: the epoch of the row's last change is kept, and a change of another epoch
-- wins by time (occurred_at) instead of by store_seq (src/tables/inventory.ts).
ALTER TABLE hq_inventory ADD COLUMN IF NOT EXISTS store_epoch text NOT NULL DEFAULT 'legacy';
