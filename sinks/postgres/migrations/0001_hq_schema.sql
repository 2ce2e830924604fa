-- HQ tables of the Postgres sink, inside the sink's own Postgres schema (search_path is set by the
-- sink's pool; see src/db.ts), so its migration ledger never mixes with other HQ services'.
-- Timestamps are timestamptz (UTC instants); money is bigint minor units next to a currency code.

-- One row per store event ever applied: the idempotency ledger. A batch inserts its event ids
-- here first and applies only the ids this insert returned, in the same transaction.
CREATE TABLE hq_inbox (
  event_id         text        PRIMARY KEY,
  store_id         text        NOT NULL,
  store_seq        bigint      NOT NULL,
  event_type       text        NOT NULL,
  occurred_at      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  source_partition integer     NOT NULL,
  source_offset    bigint      NOT NULL
);

-- Stores as seen through enrichment (reference data at ingest time) plus progress counters.
CREATE TABLE stores (
  store_id         text        PRIMARY KEY,
  name             text,
  region           text,
  timezone         text,
  currency         text,
  last_event_at    timestamptz,
  last_store_seq   bigint      NOT NULL DEFAULT 0,
  events_total     bigint      NOT NULL DEFAULT 0,
  last_received_at timestamptz DEFAULT now()
);

-- One row per sale. A void or refund may be applied before its sale (replays, out-of-order
-- redelivery): it then creates the row with the sale columns still null, and the sale fills them
-- later. Status VOIDED and refunded_minor are merged commutatively (see src/batch-writer.ts).
CREATE TABLE hq_transactions (
  store_id        text        NOT NULL,
  transaction_id  text        NOT NULL,
  sale_event_id   text,
  store_seq       bigint,
  terminal_id     text,
  cashier_id      text,
  occurred_at     timestamptz,
  currency        text,
  subtotal_minor  bigint,
  discount_minor  bigint,
  tax_minor       bigint,
  total_minor     bigint,
  item_count      integer,
  customer_ref    text,
  status          text        NOT NULL CHECK (status IN ('PAID', 'VOIDED')),
  voided_at       timestamptz,
  voided_minor    bigint,
  void_reason     text,
  void_event_id   text,
  refunded_minor  bigint      NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  refund_count    integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, transaction_id)
);
CREATE INDEX hq_transactions_occurred ON hq_transactions (occurred_at, store_id);
CREATE INDEX hq_transactions_voided ON hq_transactions (voided_at, store_id) WHERE voided_at IS NOT NULL;

CREATE TABLE hq_line_items (
  store_id          text        NOT NULL,
  transaction_id    text        NOT NULL,
  line_no           integer     NOT NULL,
  sku               text        NOT NULL,
  barcode           text        NOT NULL,
  product_name      text        NOT NULL,
  category          text,
  brand             text,
  quantity          integer     NOT NULL,
  unit_price_minor  bigint      NOT NULL,
  discount_minor    bigint      NOT NULL,
  tax_rate_bp       integer     NOT NULL,
  tax_minor         bigint      NOT NULL,
  line_total_minor  bigint      NOT NULL,
  currency          text        NOT NULL,
  occurred_at       timestamptz NOT NULL,
  PRIMARY KEY (store_id, transaction_id, line_no)
);
CREATE INDEX hq_line_items_occurred ON hq_line_items (occurred_at);

-- Captured and failed payment attempts.
CREATE TABLE hq_payments (
  store_id        text        NOT NULL,
  payment_id      text        NOT NULL,
  event_id        text        NOT NULL,
  transaction_id  text        NOT NULL,
  status          text        NOT NULL CHECK (status IN ('CAPTURED', 'FAILED')),
  method          text        NOT NULL,
  amount_minor    bigint      NOT NULL,
  currency        text        NOT NULL,
  provider_ref    text,
  failure_reason  text,
  occurred_at     timestamptz NOT NULL,
  store_seq       bigint      NOT NULL,
  PRIMARY KEY (store_id, payment_id)
);

CREATE TABLE hq_refunds (
  store_id        text        NOT NULL,
  refund_id       text        NOT NULL,
  event_id        text        NOT NULL,
  transaction_id  text        NOT NULL,
  amount_minor    bigint      NOT NULL,
  currency        text        NOT NULL,
  reason          text        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  store_seq       bigint      NOT NULL,
  PRIMARY KEY (store_id, refund_id)
);
CREATE INDEX hq_refunds_occurred ON hq_refunds (occurred_at, store_id);

CREATE TABLE hq_refund_lines (
  store_id      text        NOT NULL,
  refund_id     text        NOT NULL,
  line_no       integer     NOT NULL,
  sku           text        NOT NULL,
  quantity      integer     NOT NULL,
  amount_minor  bigint      NOT NULL,
  occurred_at   timestamptz NOT NULL,
  PRIMARY KEY (store_id, refund_id, line_no)
);

-- Current on-hand per (store, SKU): the on_hand_after of the highest store_seq applied.
CREATE TABLE hq_inventory (
  store_id        text        NOT NULL,
  sku             text        NOT NULL,
  on_hand         integer     NOT NULL,
  last_store_seq  bigint      NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (store_id, sku)
);

CREATE TABLE hq_goods_receipts (
  store_id          text        NOT NULL,
  receipt_id        text        NOT NULL,
  event_id          text        NOT NULL,
  supplier_id       text        NOT NULL,
  currency          text        NOT NULL,
  total_cost_minor  bigint      NOT NULL,
  lines             jsonb       NOT NULL,
  occurred_at       timestamptz NOT NULL,
  store_seq         bigint      NOT NULL,
  PRIMARY KEY (store_id, receipt_id)
);

CREATE TABLE hq_inventory_adjustments (
  store_id       text        NOT NULL,
  adjustment_id  text        NOT NULL,
  event_id       text        NOT NULL,
  reason         text        NOT NULL,
  note           text,
  stock          jsonb       NOT NULL,
  occurred_at    timestamptz NOT NULL,
  store_seq      bigint      NOT NULL,
  PRIMARY KEY (store_id, adjustment_id)
);

-- Latest revision of every KPI window (upserts keyed by scope, size, start; highest revision wins).
CREATE TABLE kpi_windows (
  scope               text        NOT NULL,
  window_size         text        NOT NULL,
  window_start        timestamptz NOT NULL,
  window_end          timestamptz NOT NULL,
  store_id            text,
  timezone            text,
  revision            integer     NOT NULL,
  is_final            boolean     NOT NULL,
  gmv_minor           bigint      NOT NULL,
  currency            text        NOT NULL,
  orders              bigint      NOT NULL,
  items               bigint      NOT NULL,
  refunds_minor       bigint      NOT NULL,
  voids_minor         bigint      NOT NULL,
  refund_count        bigint      NOT NULL,
  void_count          bigint      NOT NULL,
  payments_attempted  bigint      NOT NULL,
  payments_captured   bigint      NOT NULL,
  payments_by_method  jsonb       NOT NULL,
  updated_at          timestamptz NOT NULL,
  received_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, window_size, window_start)
);
CREATE INDEX kpi_windows_updated ON kpi_windows (updated_at);
