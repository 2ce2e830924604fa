-- KpiWindowUpdated upserts. Version = revision, so whatever order revisions arrive in (replays,
-- redelivery), merges and FINAL keep the highest one of each (scope, window_size, window_start).
-- payments_by_method (an Avro map) is two parallel arrays: 18.16 has no Map type.

CREATE TABLE IF NOT EXISTS kpi_windows (
  scope String,
  store_id Nullable(String),
  window_size String,
  window_start_ms Int64,
  window_start DateTime MATERIALIZED toDateTime(intDiv(window_start_ms, 1000)),
  window_end_ms Int64,
  timezone Nullable(String),
  revision UInt32,
  is_final UInt8,
  gmv_minor Int64,
  currency String,
  orders Int64,
  items Int64,
  refunds_minor Int64,
  voids_minor Int64,
  refund_count Int64,
  void_count Int64,
  payments_attempted Int64,
  payments_captured Int64,
  payment_methods Array(String),
  payment_amounts_minor Array(Int64),
  updated_at_ms Int64
) ENGINE = ReplacingMergeTree(revision)
PARTITION BY toYYYYMM(window_start)
ORDER BY (scope, window_size, window_start_ms);
