import { AppError, PG_SCHEMA_NAME } from '@retail-stream/runtime';
import type pg from 'pg';

/**
 * ops.dlq_redrives: which dead letters a redrive already sent (or parked), so running the same
 * redrive again skips them. One row per dead letter per run; the schema is the CLI's (ops).
 */
export class RedriveLog {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly table: string,
  ) {}

  /** Creates the table if needed (idempotent DDL: several CLIs may start at once). */
  static async open(pool: pg.Pool, schema = 'ops'): Promise<RedriveLog> {
    if (!PG_SCHEMA_NAME.test(schema)) throw new AppError('CLI_USAGE', `invalid schema name '${schema}'`);
    // Identifiers cannot be bind parameters; the pattern above makes the quoting safe.
    const table = `"${schema}".dlq_redrives`;
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch((err: { code?: string }) => {
      if (err.code !== '42P06' && err.code !== '23505') throw err;
    });
    await pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           dlq_topic     text        NOT NULL,
           dlq_partition integer     NOT NULL,
           dlq_offset    bigint      NOT NULL,
           redrive_id    text        NOT NULL,
           action        text        NOT NULL CHECK (action IN ('redriven', 'parked')),
           target_topic  text        NOT NULL,
           attempt       integer     NOT NULL,
           error_code    text,
           done_at       timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset, redrive_id)
         )`,
      )
      .catch((err: { code?: string }) => {
        if (err.code !== '42P07' && err.code !== '23505') throw err;
      });
    return new RedriveLog(pool, table);
  }

  /**
   * Holds a session advisory lock named after the DLQ topic until release(): two redrives of one
   * topic at once would both read the ledger before either wrote it and send the same records.
   */
  async lock(dlqTopic: string): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext('retail-dlq-redrive:' || $1)) AS ok",
        [dlqTopic],
      );
      if (!rows[0]!.ok) {
        throw new AppError('DLQ_REDRIVE_RUNNING', `another redrive of ${dlqTopic} is running`);
      }
    } catch (err) {
      client.release();
      throw err;
    }
    return async () => {
      await client
        .query("SELECT pg_advisory_unlock(hashtext('retail-dlq-redrive:' || $1))", [dlqTopic])
        .finally(() => client.release());
    };
  }

  /** `partition:offset` of every dead letter of `dlqTopic` some run already handled. */
  async handled(dlqTopic: string): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ p: number; o: string }>(
      `SELECT DISTINCT dlq_partition AS p, dlq_offset::text AS o FROM ${this.table} WHERE dlq_topic = $1`,
      [dlqTopic],
    );
    return new Set(rows.map((r) => `${r.p}:${r.o}`));
  }

  /** Records what was sent, after the broker acknowledged it (one statement per chunk). */
  async record(rows: RedriveLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.table}
         (dlq_topic, dlq_partition, dlq_offset, redrive_id, action, target_topic, attempt, error_code)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.dlqTopic),
        rows.map((r) => r.partition),
        rows.map((r) => r.offset),
        rows.map((r) => r.runId),
        rows.map((r) => r.action),
        rows.map((r) => r.targetTopic),
        rows.map((r) => r.attempt),
        rows.map((r) => r.errorCode),
      ],
    );
  }

  /** The rows of one run (for tests and `--json` details). */
  async ofRun(runId: string): Promise<RedriveLogRow[]> {
    const { rows } = await this.pool.query<{
      dlq_topic: string;
      dlq_partition: number;
      dlq_offset: string;
      action: 'redriven' | 'parked';
      target_topic: string;
      attempt: number;
      error_code: string | null;
    }>(
      `SELECT dlq_topic, dlq_partition, dlq_offset::text, action, target_topic, attempt, error_code
         FROM ${this.table} WHERE redrive_id = $1 ORDER BY dlq_partition, dlq_offset`,
      [runId],
    );
    return rows.map((r) => ({
      dlqTopic: r.dlq_topic,
      partition: r.dlq_partition,
      offset: r.dlq_offset,
      runId,
      action: r.action,
      targetTopic: r.target_topic,
      attempt: r.attempt,
      errorCode: r.error_code,
    }));
  }
}

export interface RedriveLogRow {
  dlqTopic: string;
  partition: number;
  offset: string;
  runId: string;
  action: 'redriven' | 'parked';
  targetTopic: string;
  attempt: number;
  errorCode: string | null;
}
