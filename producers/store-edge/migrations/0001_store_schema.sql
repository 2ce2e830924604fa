-- The store edge's own database (one per store). Money is bigint minor units next to a currency
-- code; rows that belong to a store carry store_id so they stay self-describing when copied to HQ.

CREATE TABLE store (
  store_id   text PRIMARY KEY CHECK (store_id ~ '^[a-z0-9][a-z0-9_]{0,30}$'),
  name       text        NOT NULL,
  timezone   text        NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
  currency   text        NOT NULL DEFAULT 'VND' CHECK (currency ~ '^[A-Z]{3}$'),
  region     text        NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Reference data copied from HQ: what the tills can scan. Prices exclude tax.
CREATE TABLE local_catalog (
  sku         text PRIMARY KEY,
  barcode     text        NOT NULL UNIQUE CHECK (barcode ~ '^[0-9]{8,14}$'),
  name        text        NOT NULL,
  category    text        NOT NULL,
  brand       text        NOT NULL,
  price_minor bigint      NOT NULL CHECK (price_minor >= 0),
  tax_rate_bp integer     NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  active      boolean     NOT NULL DEFAULT true,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- on_hand may go negative: a store sells what is on the shelf even if it was never booked in.
CREATE TABLE local_inventory (
  store_id   text        NOT NULL REFERENCES store (store_id),
  sku        text        NOT NULL REFERENCES local_catalog (sku),
  on_hand    integer     NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, sku)
);

CREATE TABLE transactions (
  id             uuid PRIMARY KEY,
  store_id       text        NOT NULL REFERENCES store (store_id),
  terminal_id    text        NOT NULL,
  cashier_id     text        NOT NULL,
  status         text        NOT NULL DEFAULT 'DRAFT'
                 CHECK (status IN ('DRAFT', 'PAID', 'VOIDED', 'PARTIALLY_REFUNDED', 'REFUNDED')),
  currency       text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  subtotal_minor bigint      NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
  discount_minor bigint      NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
  tax_minor      bigint      NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
  total_minor    bigint      NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
  item_count     integer     NOT NULL DEFAULT 0,
  refunded_minor bigint      NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  customer_ref   text,
  next_line_no   integer     NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  finalized_at   timestamptz,
  finalized_by_terminal_id text,
  voided_at      timestamptz,
  voided_by_cashier_id text,
  void_reason    text,
  CHECK (status = 'DRAFT' OR status = 'VOIDED' OR finalized_at IS NOT NULL),
  CHECK ((status = 'VOIDED') = (voided_at IS NOT NULL))
);
CREATE INDEX transactions_finalized ON transactions (store_id, finalized_at) WHERE finalized_at IS NOT NULL;
CREATE INDEX transactions_voided ON transactions (store_id, voided_at) WHERE voided_at IS NOT NULL;

-- Product data is copied onto the line so a sale keeps meaning after catalogue changes.
CREATE TABLE line_items (
  transaction_id    uuid        NOT NULL REFERENCES transactions (id),
  line_no           integer     NOT NULL CHECK (line_no > 0),
  store_id          text        NOT NULL,
  sku               text        NOT NULL REFERENCES local_catalog (sku),
  barcode           text        NOT NULL,
  product_name      text        NOT NULL,
  category          text        NOT NULL,
  quantity          integer     NOT NULL CHECK (quantity > 0),
  unit_price_minor  bigint      NOT NULL CHECK (unit_price_minor >= 0),
  discount_minor    bigint      NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
  tax_rate_bp       integer     NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  tax_minor         bigint      NOT NULL CHECK (tax_minor >= 0),
  line_total_minor  bigint      NOT NULL CHECK (line_total_minor >= 0),
  refunded_quantity integer     NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (transaction_id, line_no),
  CHECK (discount_minor <= unit_price_minor * quantity),
  CHECK (refunded_quantity BETWEEN 0 AND quantity)
);

CREATE TABLE payments (
  id             uuid PRIMARY KEY,
  store_id       text        NOT NULL,
  transaction_id uuid        NOT NULL REFERENCES transactions (id),
  terminal_id    text        NOT NULL,
  cashier_id     text        NOT NULL,
  method         text        NOT NULL CHECK (method IN ('CASH', 'CARD', 'QR')),
  status         text        NOT NULL CHECK (status IN ('PENDING', 'CAPTURED', 'FAILED')),
  amount_minor   bigint      NOT NULL CHECK (amount_minor > 0),
  currency       text        NOT NULL,
  tendered_minor bigint      CHECK (tendered_minor >= amount_minor),
  change_minor   bigint      CHECK (change_minor >= 0),
  provider_ref   text UNIQUE,
  qr_payload     text,
  expires_at     timestamptz,
  failure_reason text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  settled_at     timestamptz,
  CHECK ((status = 'PENDING') = (settled_at IS NULL)),
  CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL))
);
CREATE INDEX payments_transaction ON payments (transaction_id);

CREATE TABLE refunds (
  id             uuid PRIMARY KEY,
  store_id       text        NOT NULL,
  transaction_id uuid        NOT NULL REFERENCES transactions (id),
  terminal_id    text        NOT NULL,
  cashier_id     text        NOT NULL,
  amount_minor   bigint      NOT NULL CHECK (amount_minor >= 0),
  currency       text        NOT NULL,
  reason         text        NOT NULL,
  restock        boolean     NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_transaction ON refunds (transaction_id);
CREATE INDEX refunds_created ON refunds (store_id, created_at);

CREATE TABLE refund_lines (
  refund_id      uuid    NOT NULL REFERENCES refunds (id),
  line_no        integer NOT NULL,
  store_id       text    NOT NULL,
  transaction_id uuid    NOT NULL,
  sku            text    NOT NULL,
  quantity       integer NOT NULL CHECK (quantity > 0),
  amount_minor   bigint  NOT NULL CHECK (amount_minor >= 0),
  PRIMARY KEY (refund_id, line_no),
  FOREIGN KEY (transaction_id, line_no) REFERENCES line_items (transaction_id, line_no)
);

CREATE TABLE goods_receipts (
  id               uuid PRIMARY KEY,
  store_id         text        NOT NULL,
  terminal_id      text        NOT NULL,
  cashier_id       text        NOT NULL,
  supplier_id      text        NOT NULL,
  supplier_ref     text,
  currency         text        NOT NULL,
  total_cost_minor bigint      NOT NULL CHECK (total_cost_minor >= 0),
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE goods_receipt_lines (
  receipt_id      uuid    NOT NULL REFERENCES goods_receipts (id),
  sku             text    NOT NULL REFERENCES local_catalog (sku),
  store_id        text    NOT NULL,
  quantity        integer NOT NULL CHECK (quantity > 0),
  unit_cost_minor bigint  NOT NULL CHECK (unit_cost_minor >= 0),
  PRIMARY KEY (receipt_id, sku)
);

CREATE TABLE inventory_adjustments (
  id          uuid PRIMARY KEY,
  store_id    text        NOT NULL,
  terminal_id text        NOT NULL,
  cashier_id  text        NOT NULL,
  reason      text        NOT NULL CHECK (reason IN ('COUNT', 'DAMAGE', 'THEFT', 'CORRECTION')),
  note        text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inventory_adjustment_lines (
  adjustment_id  uuid    NOT NULL REFERENCES inventory_adjustments (id),
  sku            text    NOT NULL REFERENCES local_catalog (sku),
  store_id       text    NOT NULL,
  on_hand_before integer NOT NULL,
  delta          integer NOT NULL,
  on_hand_after  integer NOT NULL,
  PRIMARY KEY (adjustment_id, sku),
  CHECK (on_hand_after = on_hand_before + delta)
);

-- Transactional outbox: written in the same transaction as the change it describes. payload is
-- the complete event with the Avro record's field names; the relay publishes it as-is.
CREATE TABLE outbox (
  store_id         text        NOT NULL,
  store_seq        bigint      NOT NULL CHECK (store_seq > 0),
  event_id         uuid        NOT NULL UNIQUE,
  event_type       text        NOT NULL,
  occurred_at      timestamptz NOT NULL,
  trace_id         text        NOT NULL,
  payload          jsonb       NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  published_at     timestamptz,
  publish_attempts integer     NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz,
  PRIMARY KEY (store_id, store_seq)
);
-- The relay's work queue stays small however large the published history grows.
CREATE INDEX outbox_unpublished ON outbox (store_id, store_seq) WHERE published_at IS NULL;

-- One counter row per store; see src/store-sequence.ts for why it is a locked row, not a SEQUENCE
-- (sequences are not transactional: a rollback would leave a gap).
CREATE TABLE store_sequence (
  store_id   text PRIMARY KEY REFERENCES store (store_id),
  last_seq   bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- First answer to each (terminal, key), stored in the transaction that made the change.
CREATE TABLE idempotency_keys (
  store_id        text        NOT NULL,
  terminal_id     text        NOT NULL,
  idem_key        text        NOT NULL,
  request_hash    text        NOT NULL,
  method          text        NOT NULL,
  path            text        NOT NULL,
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, terminal_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Owned by the outbox relay: highest store_seq published per destination (Kafka, HTTPS gateway).
CREATE TABLE sync_cursors (
  store_id           text        NOT NULL,
  destination        text        NOT NULL,
  last_published_seq bigint      NOT NULL DEFAULT 0,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, destination)
);

-- Owned by the outbox relay: its heartbeat and whether it can reach its destination.
CREATE TABLE relay_status (
  store_id     text        NOT NULL,
  destination  text        NOT NULL,
  status       text        NOT NULL CHECK (status IN ('ONLINE', 'OFFLINE')),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  last_error   text,
  PRIMARY KEY (store_id, destination)
);
