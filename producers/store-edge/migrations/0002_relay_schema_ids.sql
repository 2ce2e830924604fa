-- Owned by the outbox relay: the registry's id for each exact writer schema (fingerprint), so a
-- relay restarted while the registry is down still publishes every event type it published before.
-- IF NOT EXISTS: relays before this migration created the table themselves (same definition).
CREATE TABLE IF NOT EXISTS relay_schema_ids (
  registry_url text        NOT NULL,
  event_type   text        NOT NULL,
  fingerprint  text        NOT NULL,
  schema_id    integer     NOT NULL,
  learned_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (registry_url, event_type, fingerprint)
);
