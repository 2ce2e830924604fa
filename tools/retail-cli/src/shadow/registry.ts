import type pg from 'pg';
import { SHADOW_PREFIX, type ShadowSink } from './shadow-name.ts';

/** A row of <ops>.shadows: one shadow of one sink. */
export interface ShadowRecord {
  name: string;
  sink: ShadowSink;
  /** The shadow's schema (Postgres), database (ClickHouse) or keyspace (Cassandra). */
  target: string;
  status: 'open' | 'promoted';
  created_at: Date;
  created_by: string;
  promoted_at: Date | null;
}

/** duplicate_schema / duplicate_table, and the catalogue unique-index race of two concurrent CREATEs. */
const ALREADY_EXISTS = new Set(['42P06', '42P07', '23505']);

async function tolerateExists(run: Promise<unknown>): Promise<void> {
  try {
    await run;
  } catch (err) {
    if (!ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) throw err;
  }
}

/** The CLI's ops schema of the HQ database (cli-kit/context.ts), beside audit_log. */
const OPS_SCHEMA = 'ops';

/**
 * The registry of shadows, <ops>.shadows. One table, created on first use with IF NOT EXISTS:
 * the ops schema's migration ledger belongs to the CLI kit (its folder migrations/ops), and a
 * second runner numbering files into the same ledger would collide.
 */
export class ShadowRegistry {
  private readonly table = `${OPS_SCHEMA}.shadows`;
  private ensured = false;

  constructor(private readonly pool: pg.Pool) {}

  async ensure(): Promise<void> {
    if (this.ensured) return;
    await tolerateExists(this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${OPS_SCHEMA}`));
    await tolerateExists(
      this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
        name        text        NOT NULL,
        sink        text        NOT NULL CHECK (sink IN ('postgres', 'clickhouse', 'cassandra')),
        target      text        NOT NULL,
        status      text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'promoted')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text        NOT NULL,
        promoted_at timestamptz,
        PRIMARY KEY (name, sink)
      )`),
    );
    this.ensured = true;
  }

  /** Registers (name, sink); false when it was already registered (nothing changed then). */
  async insert(name: string, sink: ShadowSink, createdBy: string): Promise<boolean> {
    await this.ensure();
    const r = await this.pool.query(
      `INSERT INTO ${this.table} (name, sink, target, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name, sink) DO NOTHING`,
      [name, sink, `${SHADOW_PREFIX}${name}`, createdBy],
    );
    return r.rowCount === 1;
  }

  async get(name: string, sink: ShadowSink): Promise<ShadowRecord | undefined> {
    return (await this.list(name)).find((r) => r.sink === sink);
  }

  /** The shadows of NAME (one per sink), or every shadow when name is undefined. */
  async list(name?: string): Promise<ShadowRecord[]> {
    await this.ensure();
    const r = await this.pool.query<ShadowRecord>(
      `SELECT name, sink, target, status, created_at, created_by, promoted_at FROM ${this.table}
       WHERE $1::text IS NULL OR name = $1 ORDER BY name, sink`,
      [name ?? null],
    );
    return r.rows;
  }

  async markPromoted(name: string, sink: ShadowSink): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table} SET status = 'promoted', promoted_at = now() WHERE name = $1 AND sink = $2`,
      [name, sink],
    );
  }

  async remove(name: string, sink: ShadowSink): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE name = $1 AND sink = $2`, [name, sink]);
  }
}
