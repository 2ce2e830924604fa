import type { ErrorSection } from './entry.ts';

/**
 * The sinks (sinks/postgres, sinks/clickhouse, sinks/cassandra): the classifiers map each driver's
 * failure into these codes; dead-letter codes name records a sink can never write.
 */
export const sinkErrors = {
  PG_UNAVAILABLE: {
    retriable: true,
    meaning: 'Postgres is away or busy (no SQLSTATE, or class 08/40/53/57, or lock not available).',
    action: 'Check the HQ Postgres; the sink pauses and retries the same records.',
  },
  PG_DATA_REJECTED: {
    retriable: false,
    meaning: 'Postgres refused a record for what it contains (SQLSTATE class 22 or 23); it is dead-lettered.',
    action: 'Inspect the dead letter (dlq.error.message has the SQLSTATE); fix the producer or the schema.',
  },
  PG_FAILED: {
    retriable: false,
    meaning:
      'Postgres refused a statement for another reason (missing table, syntax): a bug or a broken deployment.',
    action: 'The sink stops without committing: run the migrations or fix the statement, then restart.',
  },
  CLICKHOUSE_UNAVAILABLE: {
    retriable: true,
    meaning: 'ClickHouse did not answer (refused, reset, timeout).',
    action: 'Check ClickHouse; the sink pauses and retries.',
  },
  CLICKHOUSE_OVERLOADED: {
    retriable: true,
    meaning: 'ClickHouse answered with an overload code (too many parts/queries, memory limit, timeout).',
    action: 'Usually passes; if it persists, lower the sink concurrency or check merges.',
  },
  CLICKHOUSE_REJECTED: {
    retriable: false,
    meaning: 'ClickHouse refused the insert itself (unknown table, type mismatch; code in details).',
    action: 'The sink stops without committing: run the migrations or fix the row mapping, then restart.',
  },
  CLICKHOUSE_SCHEMA_MISMATCH: {
    retriable: false,
    meaning:
      "A column the ClickHouse sink writes is missing from the live table, computed there, or of another type than in the sink's table files (RowBinary carries no types: the server would misread the bytes).",
    action:
      'Run the migrations (SINK_MIGRATE=true) or bring the table back to src/migrations; the sink refuses to start until they agree.',
  },
  CASSANDRA_UNAVAILABLE: {
    retriable: true,
    meaning: 'Cassandra is down, slow or busy (no host, timeout, overloaded).',
    action: 'Check Cassandra; the sink pauses and retries.',
  },
  CASSANDRA_QUERY_FAILED: {
    retriable: false,
    meaning: 'Cassandra refused a statement (bad statement, schema mismatch).',
    action: 'The sink stops without committing: run the migrations or fix the statement, then restart.',
  },
  SINK_STORE_UNAVAILABLE: {
    retriable: true,
    meaning: "The sink's classifier judged a write failure as the database being away or busy.",
    action: "Check the sink's database; the sink pauses and retries the same records.",
  },
  SINK_WRITE_FAILED: {
    retriable: false,
    meaning:
      "A write failure the sink's classifier judged a bug or poison although the driver called it retriable.",
    action: 'Read the cause in the log; the sink stops without committing (bug) or dead-letters (poison).',
  },
  CLICKHOUSE_DATA_REJECTED: {
    retriable: false,
    meaning:
      'ClickHouse refused a row for its value (parse error, out of range, violated CHECK constraint or throwIf check); the record is dead-lettered.',
    action:
      'Inspect the dead letter (dlq.error.message has the ClickHouse code); fix the producer or widen the column in a migration.',
  },
  CASSANDRA_DATA_REJECTED: {
    retriable: false,
    meaning:
      'Cassandra refused a write for its value (a key longer than 64 KiB, a value the type cannot hold); the record is dead-lettered.',
    action: 'Inspect the dead letter (dlq.error.message has the reason); fix the producing store.',
  },
  NULL_VALUE: {
    retriable: false,
    meaning: 'Dead letter: a record without a value (tombstone) reached the ClickHouse sink.',
    action: 'Find who wrote a null value to the topic (dlq.source.* headers).',
  },
  UNEXPECTED_RECORD_TYPE: {
    retriable: false,
    meaning: 'Dead letter: a record of a type the ClickHouse sink does not store.',
    action: 'Check the sink topics (SINK_*_TOPIC) and the producer of the record.',
  },
  ROW_INVALID: {
    retriable: false,
    meaning: "Dead letter: an event cannot be a row (empty ids, a value out of the column's range).",
    action: 'Inspect the dead letter; fix the producing store or widen the column in a migration.',
  },
  NOT_A_KPI_WINDOW: {
    retriable: false,
    meaning: 'Dead letter: a record on the KPI topic is not a KPI window.',
    action: 'Check the producer writes to the right topic (SINK_KPI_TOPIC).',
  },
  INVALID_STORE_ID: {
    retriable: false,
    meaning: 'Dead letter: an event with an empty store_id.',
    action: 'Find the producing store and fix its writer.',
  },
  INVALID_STORE_SEQ: {
    retriable: false,
    meaning: 'Dead letter: an event whose store_seq is not a positive integer.',
    action: 'Find the producing store and fix its writer.',
  },
  INVALID_TRANSACTION_ID: {
    retriable: false,
    meaning: 'Dead letter: a transaction event with an empty transaction_id.',
    action: 'Find the producing store and fix its writer.',
  },
  KEY_MISMATCH: {
    retriable: false,
    meaning:
      "Dead letter: a record's Kafka key is not its store_id (partitioning would break per-store order).",
    action: 'Find the producer and make it key records by store_id.',
  },
  MIGRATION_NAME: {
    retriable: false,
    meaning: 'A ClickHouse migration file is not named NNN_name.sql.',
    action: 'Rename the file in the package.',
  },
  MIGRATION_DUPLICATE: {
    retriable: false,
    meaning: 'Two ClickHouse migration files share a number.',
    action: 'Renumber one (never one already applied).',
  },
  MIGRATION_CHANGED: {
    retriable: false,
    meaning: 'An applied Cassandra migration was changed afterwards.',
    action: 'Restore the file as applied and put the change in a new migration.',
  },
  DATABASE_NAME: {
    retriable: false,
    meaning: 'A ClickHouse database name is not letters, digits and _.',
    action: 'Correct CLICKHOUSE_DATABASE.',
  },
  UNKNOWN_STORE: {
    retriable: false,
    http: 404,
    meaning: 'Reports API: no store with this id in HQ.',
    action: 'Client: check the store id (GET /v1/stores).',
  },
  RANGE_TOO_LARGE: {
    retriable: false,
    http: 400,
    meaning: 'Reports API: the asked range is longer than the endpoint serves.',
    action: 'Client: ask for a shorter range.',
  },
} as const satisfies ErrorSection;
