-- Where a replay got to, per partition, keyed by a hash of its normalised command (sink, shadow,
-- resolved ranges, filters): the same command again continues after the last written batch.
CREATE TABLE replay_checkpoints (
  command_hash text        PRIMARY KEY,
  command      jsonb       NOT NULL,
  -- {"topic:partition": next offset to read}
  positions    jsonb       NOT NULL DEFAULT '{}',
  counts       jsonb       NOT NULL DEFAULT '{}',
  started_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
