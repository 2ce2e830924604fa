-- Facts of the enriched store events. Every table is a ReplacingMergeTree whose ORDER BY is the
-- natural key of a row (event_id, plus the position inside the event for child rows), so a row
-- written twice (redelivery, restart, replay) collapses into one on merge and in FINAL reads.
-- Version = store_seq: duplicates carry the same one, so any copy may win; they are identical.
-- Times: *_ms Int64 is the exact epoch-ms event time; the DateTime column is derived (MATERIALIZED:
-- never sent by the writer) for partitioning and day grouping, because 18.16 has no DateTime64.

CREATE TABLE IF NOT EXISTS sales (
  event_id String,
  store_id String,
  store_seq UInt64,
  transaction_id String,
  terminal_id Nullable(String),
  cashier_id Nullable(String),
  occurred_at_ms Int64,
  occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000)),
  currency String,
  subtotal_minor Int64,
  discount_minor Int64,
  tax_minor Int64,
  total_minor Int64,
  item_count Int32,
  line_count UInt16,
  customer_ref Nullable(String),
  store_known UInt8,
  store_name Nullable(String),
  region Nullable(String),
  ingested_at_ms Int64
) ENGINE = ReplacingMergeTree(store_seq)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (store_id, event_id);

CREATE TABLE IF NOT EXISTS sale_lines (
  event_id String,
  line_no UInt16,
  store_id String,
  store_seq UInt64,
  transaction_id String,
  occurred_at_ms Int64,
  occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000)),
  sku String,
  barcode String,
  product_name String,
  category String,
  brand Nullable(String),
  product_known UInt8,
  quantity Int32,
  unit_price_minor Int64,
  discount_minor Int64,
  tax_rate_bp Int32,
  tax_minor Int64,
  line_total_minor Int64,
  currency String,
  store_name Nullable(String),
  region Nullable(String)
) ENGINE = ReplacingMergeTree(store_seq)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (store_id, event_id, line_no);

CREATE TABLE IF NOT EXISTS payments (
  event_id String,
  event_type String,
  store_id String,
  store_seq UInt64,
  transaction_id String,
  payment_id String,
  status String,
  method String,
  amount_minor Int64,
  currency String,
  provider_ref Nullable(String),
  failure_reason Nullable(String),
  terminal_id Nullable(String),
  occurred_at_ms Int64,
  occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000)),
  store_name Nullable(String),
  region Nullable(String)
) ENGINE = ReplacingMergeTree(store_seq)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (store_id, event_id);

CREATE TABLE IF NOT EXISTS refunds (
  event_id String,
  store_id String,
  store_seq UInt64,
  transaction_id String,
  refund_id String,
  amount_minor Int64,
  currency String,
  reason String,
  line_count UInt16,
  quantity Int32,
  occurred_at_ms Int64,
  occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000)),
  store_name Nullable(String),
  region Nullable(String)
) ENGINE = ReplacingMergeTree(store_seq)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (store_id, event_id);

CREATE TABLE IF NOT EXISTS voids (
  event_id String,
  store_id String,
  store_seq UInt64,
  transaction_id String,
  reason String,
  was_paid UInt8,
  total_minor Int64,
  currency String,
  occurred_at_ms Int64,
  occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000)),
  store_name Nullable(String),
  region Nullable(String)
) ENGINE = ReplacingMergeTree(store_seq)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (store_id, event_id);

-- One row per StockChange of any event (sales, voids, refunds, receipts, adjustments).
CREATE TABLE IF NOT EXISTS inventory_movements (
  event_id String,
  change_no UInt16,
  event_type String,
  store_id String,
  store_seq UInt64,
  sku String,
  delta Int32,
  on_hand_after Int32,
  category Nullable(String),
  brand Nullable(String),
  occurred_at_ms Int64,
  occurred_at DateTime MATERIALIZED toDateTime(intDiv(occurred_at_ms, 1000))
) ENGINE = ReplacingMergeTree(store_seq)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (store_id, event_id, change_no);
