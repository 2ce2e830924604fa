-- One row per run of a retail CLI command: who ran what, on which range and filters, what it did.
-- Written at start (outcome NULL = still running, or the process was killed) and completed at the end.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text        NOT NULL,
  command     text        NOT NULL,
  args        jsonb       NOT NULL DEFAULT '{}',
  range       jsonb,
  filters     jsonb,
  counts      jsonb,
  outcome     text CHECK (outcome IN ('ok', 'failed', 'interrupted', 'dry-run')),
  error       text,
  finished_at timestamptz
);

CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_command_at ON audit_log (command, at DESC);
