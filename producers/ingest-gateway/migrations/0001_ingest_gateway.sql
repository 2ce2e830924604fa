-- Ingest gateway state in the HQ database, inside the gateway's own Postgres schema (search_path
-- is set by the gateway's pool; see src/db.ts), so its migration ledger never mixes with other
-- HQ services'.

-- API keys of store relays: `rsk_<key_id>.<secret>`. Only sha256(secret) is stored; the secret is
-- 256 random bits, so a fast hash is enough (nothing to brute-force) and a leaked table leaks no key.
CREATE TABLE ingest_api_keys (
  key_id        text        PRIMARY KEY,
  store_id      text        NOT NULL,
  secret_sha256 bytea       NOT NULL CHECK (octet_length(secret_sha256) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);

CREATE INDEX ingest_api_keys_store_id ON ingest_api_keys (store_id);

-- Per store: the highest store_seq produced to Kafka through the gateway (contiguous from 1).
-- Requests of one store serialise on this row (SELECT ... FOR UPDATE).
CREATE TABLE ingest_store_cursors (
  store_id   text        PRIMARY KEY,
  last_seq   bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
