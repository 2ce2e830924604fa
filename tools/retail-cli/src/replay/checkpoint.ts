import crypto from 'node:crypto';
import type pg from 'pg';
import { jsonReplacer } from '../cli-kit/output.ts';
import type { ReplayCounts } from './replay-counts.ts';

/** A resolved range as stored: offsets as strings (JSON has no bigint). */
export interface StoredRange {
  topic: string;
  partition: number;
  from: string;
  to: string;
}

export interface CheckpointRow {
  command_hash: string;
  command: { ranges?: StoredRange[] } & Record<string, unknown>;
  positions: Record<string, string>;
  counts: Partial<ReplayCounts>;
  started_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

/**
 * The key of a replay in ops.replay_checkpoints: a hash of its normalised command — sink, shadow,
 * topics, the range as given (ISO times as epoch ms, relative ones as typed, offsets specs) and
 * the filters, sorted so option order and repeats do not matter. Typing the same command again
 * finds the same row; the ranges resolved by the first run are kept in the row and reused, so a
 * resumed `--from 2h` reads exactly what the first run planned, not a range shifted by the pause.
 */
export function commandHash(command: Record<string, unknown>): string {
  return crypto.createHash('sha256').update(stableJson(command)).digest('hex').slice(0, 32);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v, jsonReplacer);
}

/**
 * One replay's checkpoint row. Saves are chained one after the other on the pool (partitions are
 * written concurrently, but each save stores the whole position map, so they must land in order).
 */
export class Checkpoint {
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    readonly hash: string,
  ) {}

  static async load(pool: pg.Pool, hash: string): Promise<CheckpointRow | undefined> {
    const { rows } = await pool.query<CheckpointRow>(
      'SELECT * FROM replay_checkpoints WHERE command_hash = $1',
      [hash],
    );
    return rows[0];
  }

  /** Starts (or restarts) the row of a replay: positions at the starts of its ranges. */
  static async begin(
    pool: pg.Pool,
    hash: string,
    command: Record<string, unknown>,
    positions: Record<string, string>,
  ): Promise<Checkpoint> {
    await pool.query(
      `INSERT INTO replay_checkpoints (command_hash, command, positions, counts)
       VALUES ($1, $2::jsonb, $3::jsonb, '{}')
       ON CONFLICT (command_hash) DO UPDATE SET command = EXCLUDED.command, positions = EXCLUDED.positions,
         counts = '{}', started_at = now(), updated_at = now(), completed_at = NULL`,
      [hash, JSON.stringify(command, jsonReplacer), JSON.stringify(positions)],
    );
    return new Checkpoint(pool, hash);
  }

  /** Continues an existing row. */
  static resume(pool: pg.Pool, hash: string): Checkpoint {
    return new Checkpoint(pool, hash);
  }

  /** Records where the replay got to, after a batch was written. */
  save(positions: Record<string, string>, counts: ReplayCounts): Promise<void> {
    const p = JSON.stringify(positions);
    const c = JSON.stringify(counts);
    this.chain = this.chain.then(async () => {
      await this.pool.query(
        `UPDATE replay_checkpoints SET positions = $2::jsonb, counts = $3::jsonb, updated_at = now()
         WHERE command_hash = $1`,
        [this.hash, p, c],
      );
    });
    return this.chain;
  }

  async complete(counts: ReplayCounts): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.pool.query(
      `UPDATE replay_checkpoints SET counts = $2::jsonb, updated_at = now(), completed_at = now() WHERE command_hash = $1`,
      [this.hash, JSON.stringify(counts)],
    );
  }

  /** Waits for the saves in flight (before exiting on Ctrl-C). */
  async flush(): Promise<void> {
    await this.chain;
  }
}
