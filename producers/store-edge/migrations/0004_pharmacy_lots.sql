-- Idempotent (IF NOT EXISTS), like 0003, so a ledger missing 0002 can replay everything after it.
-- National pharmacy database (issue 12): a store may be a licensed pharmacy (ma_co_so), products
-- may be medicines (DrugInfo, the Avro record's fields as jsonb), and medicines are tracked by lot:
-- received into lots, sold from lots first-expiry-first-out, written off by lot.

ALTER TABLE store ADD COLUMN IF NOT EXISTS pharmacy_code text
  CHECK (pharmacy_code IS NULL OR pharmacy_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$');

-- {national_drug_code, registration_no, unit, strength, route, dosage, conversion_ratio}; a product
-- with a drug is lot-tracked.
ALTER TABLE local_catalog ADD COLUMN IF NOT EXISTS drug jsonb
  CHECK (drug IS NULL OR (jsonb_typeof(drug) = 'object' AND drug ? 'national_drug_code'
    AND drug ? 'registration_no' AND drug ? 'unit'));

-- Units on hand per production lot. Sum over a SKU's lots is what can be sold or written off by
-- lot; local_inventory.on_hand stays the till's count (it may differ after COUNT adjustments).
CREATE TABLE IF NOT EXISTS stock_lots (
  store_id        text        NOT NULL REFERENCES store (store_id),
  sku             text        NOT NULL REFERENCES local_catalog (sku),
  lot_no          text        NOT NULL CHECK (lot_no ~ '^[A-Za-z0-9][A-Za-z0-9/._-]{0,39}$'),
  manufactured_on date        NOT NULL,
  expires_on      date        NOT NULL,
  on_hand         integer     NOT NULL CHECK (on_hand >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, sku, lot_no),
  CHECK (expires_on > manufactured_on)
);
-- The FEFO walk: a SKU's lots by expiry.
CREATE INDEX IF NOT EXISTS stock_lots_fefo ON stock_lots (store_id, sku, expires_on, lot_no);

-- Which lots each sold line took its units from, so a void or a refund puts them back where they
-- came from. refunded_quantity counts units of this lot refunded so far.
CREATE TABLE IF NOT EXISTS line_item_lots (
  transaction_id    uuid    NOT NULL,
  line_no           integer NOT NULL,
  store_id          text    NOT NULL,
  sku               text    NOT NULL,
  lot_no            text    NOT NULL,
  manufactured_on   date    NOT NULL,
  expires_on        date    NOT NULL,
  quantity          integer NOT NULL CHECK (quantity > 0),
  refunded_quantity integer NOT NULL DEFAULT 0,
  PRIMARY KEY (transaction_id, line_no, lot_no),
  FOREIGN KEY (transaction_id, line_no) REFERENCES line_items (transaction_id, line_no),
  CHECK (refunded_quantity BETWEEN 0 AND quantity)
);

-- The lots each document line moved, as in its event (LotQuantity: dates as days since 1970-01-01).
ALTER TABLE goods_receipt_lines ADD COLUMN IF NOT EXISTS lots jsonb NOT NULL DEFAULT '[]';
ALTER TABLE refund_lines ADD COLUMN IF NOT EXISTS lots jsonb NOT NULL DEFAULT '[]';
ALTER TABLE inventory_adjustment_lines ADD COLUMN IF NOT EXISTS lots jsonb NOT NULL DEFAULT '[]';

-- The national e-prescription code a medicine sale was dispensed against (ma_don_thuoc_quoc_gia).
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS prescription_code text;
