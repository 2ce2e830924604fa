import type pg from 'pg';
import type { CliContext } from './context.ts';
import { jsonReplacer } from './output.ts';

export type AuditOutcome = 'ok' | 'failed' | 'interrupted' | 'dry-run';

export interface AuditStart {
  /** `replay`, `dlq redrive`, … */
  command: string;
  /** The options as given (after parsing); secrets must not be passed here. */
  args: Record<string, unknown>;
  range?: unknown;
  filters?: unknown;
  /** The run changes nothing: a successful end is recorded as `dry-run`. */
  dryRun?: boolean;
}

/** The row of a running command: refine its range or counts while it runs (e.g. resolved offsets). */
export interface AuditHandle {
  readonly id: string;
  set(fields: { range?: unknown; filters?: unknown; counts?: unknown }): Promise<void>;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v, jsonReplacer));

/**
 * Runs a command body between two writes of its `ops.audit_log` row: inserted before anything is
 * done (so a killed run still leaves a row, with no outcome), completed after with the counts the
 * body returns and the outcome — ok, dry-run, failed (with the error) or interrupted (Ctrl-C).
 * The body's error is rethrown for the exit code.
 */
export async function withAudit<T extends object>(
  ctx: CliContext,
  start: AuditStart,
  body: (audit: AuditHandle) => Promise<T>,
): Promise<T> {
  const pool = await ctx.ops();
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO audit_log (actor, command, args, range, filters)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb) RETURNING id`,
    [ctx.actor, start.command, json(start.args) ?? '{}', json(start.range), json(start.filters)],
  );
  const id = rows[0]!.id;
  const handle: AuditHandle = {
    id,
    set: async (fields) => {
      await pool.query(
        `UPDATE audit_log SET range = COALESCE($2::jsonb, range), filters = COALESCE($3::jsonb, filters),
           counts = COALESCE($4::jsonb, counts) WHERE id = $1`,
        [id, json(fields.range), json(fields.filters), json(fields.counts)],
      );
    },
  };
  try {
    const result = await body(handle);
    await finish(pool, id, start.dryRun ? 'dry-run' : 'ok', result, null);
    return result;
  } catch (err) {
    const interrupted = ctx.signal.aborted || (err as { code?: string }).code === 'CLI_INTERRUPTED';
    const counts = (err as { counts?: unknown }).counts;
    await finish(pool, id, interrupted ? 'interrupted' : 'failed', counts, errorText(err)).catch(
      () => undefined, // the original error matters more than a failed audit update
    );
    throw err;
  }
}

async function finish(
  pool: pg.Pool,
  id: string,
  outcome: AuditOutcome,
  counts: unknown,
  error: string | null,
): Promise<void> {
  await pool.query(
    `UPDATE audit_log SET outcome = $2, counts = COALESCE($3::jsonb, counts), error = $4, finished_at = now()
     WHERE id = $1`,
    [id, outcome, json(counts), error],
  );
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
