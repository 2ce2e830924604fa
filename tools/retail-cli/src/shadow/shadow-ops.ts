import { AppError } from '@retail-stream/runtime';
import { diffCassandra, promoteCassandra } from './cassandra-diff.ts';
import { diffClickhouse, promoteClickhouse } from './clickhouse-diff.ts';
import { ShadowConnections } from './connections.ts';
import type { DiffCount, DiffRow, DiffScope, PromoteCount, SinkDiff } from './diff-types.ts';
import { diffPostgres, promotePostgres } from './postgres-diff.ts';
import type { ShadowRecord } from './registry.ts';
import type { ShadowContext } from './shadow-context.ts';
import { checkShadowName, type ShadowSink } from './shadow-name.ts';
import { shadowStore } from './shadow-stores.ts';
import { shadowEnv } from './sink-configs.ts';

/**
 * diff / promote / drop of a registered shadow, for every sink it was made for (or `sinks`).
 * Each function opens its own connections and closes them; the commands (commands/shadow.ts) add
 * output, confirmation and the audit row.
 */

export interface ShadowSelection {
  name: string;
  sinks?: readonly ShadowSink[];
}

export interface DiffTotals {
  missing: number;
  extra: number;
  different: number;
}

export interface DiffReport {
  name: string;
  shadows: Pick<ShadowRecord, 'sink' | 'target' | 'status'>[];
  counts: DiffCount[];
  rows: DiffRow[];
  totals: DiffTotals;
  /** Stores in scope per sink (null: every row, --all). */
  stores: Partial<Record<ShadowSink, (string | null)[] | null>>;
}

export interface PromoteReport {
  name: string;
  dryRun: boolean;
  deleteExtra: boolean;
  promoted: PromoteCount[];
  /** What still differs after the promote (empty when done; not computed in a dry run). */
  remaining: DiffTotals | null;
}

export interface DropReport {
  name: string;
  dryRun: boolean;
  dropped: Pick<ShadowRecord, 'sink' | 'target' | 'status'>[];
}

async function withShadows<T>(
  ctx: ShadowContext,
  sel: ShadowSelection,
  fn: (conn: ShadowConnections, shadows: ShadowRecord[]) => Promise<T>,
): Promise<T> {
  checkShadowName(sel.name);
  const conn = new ShadowConnections(shadowEnv(ctx.env));
  try {
    const all = await conn.registry().list(sel.name);
    const shadows = sel.sinks?.length ? all.filter((s) => sel.sinks!.includes(s.sink)) : all;
    if (shadows.length === 0) {
      const which = sel.sinks?.length ? ` for ${sel.sinks.join(', ')}` : '';
      throw new AppError('SHADOW_UNKNOWN', `no shadow named '${sel.name}'${which}`, {
        details: { name: sel.name, sinks: sel.sinks },
      });
    }
    return await fn(conn, shadows);
  } finally {
    await conn.close();
  }
}

function diffOne(conn: ShadowConnections, s: ShadowRecord, scope: DiffScope): Promise<SinkDiff> {
  const live = shadowStore(conn, s.sink).live();
  switch (s.sink) {
    case 'postgres':
      return diffPostgres(conn.pg(), s.target, live, scope);
    case 'clickhouse':
      return diffClickhouse(conn.clickhouse(), s.target, live, scope);
    case 'cassandra':
      return diffCassandra(conn.cassandra(), s.target, live, scope);
  }
}

export function totalsOf(counts: readonly DiffCount[]): DiffTotals {
  const t = { missing: 0, extra: 0, different: 0 };
  for (const c of counts) {
    t.missing += c.missing;
    t.extra += c.extra;
    t.different += c.different;
  }
  return t;
}

const brief = (s: ShadowRecord) => ({ sink: s.sink, target: s.target, status: s.status });

export function diffShadow(ctx: ShadowContext, sel: ShadowSelection, scope: DiffScope): Promise<DiffReport> {
  return withShadows(ctx, sel, async (conn, shadows) => {
    const report: DiffReport = {
      name: sel.name,
      shadows: shadows.map(brief),
      counts: [],
      rows: [],
      totals: { missing: 0, extra: 0, different: 0 },
      stores: {},
    };
    for (const s of shadows) {
      const d = await diffOne(conn, s, scope);
      report.counts.push(...d.counts);
      report.rows.push(...d.rows);
      report.stores[s.sink] = d.stores;
    }
    report.totals = totalsOf(report.counts);
    return report;
  });
}

/**
 * Makes live equal to the shadow in its scope, sink by sink, then marks each shadow promoted and
 * diffs again (remaining should be all zero; extra rows stay unless deleteExtra).
 */
export function promoteShadow(
  ctx: ShadowContext,
  sel: ShadowSelection,
  scope: DiffScope,
  opts: { dryRun: boolean; deleteExtra: boolean; allowPartial?: boolean },
): Promise<PromoteReport> {
  return withShadows(ctx, sel, async (conn, shadows) => {
    const promoted: PromoteCount[] = [];
    for (const s of shadows) {
      const live = shadowStore(conn, s.sink).live();
      const run =
        s.sink === 'postgres'
          ? promotePostgres(conn.pg(), s.target, live, scope, opts)
          : s.sink === 'clickhouse'
            ? promoteClickhouse(conn.clickhouse(), s.target, live, scope, opts)
            : promoteCassandra(conn.cassandra(), s.target, live, scope, opts);
      promoted.push(...(await run));
      if (!opts.dryRun) await conn.registry().markPromoted(s.name, s.sink);
    }
    let remaining: DiffTotals | null = null;
    if (!opts.dryRun) {
      const after: DiffCount[] = [];
      for (const s of shadows) after.push(...(await diffOne(conn, s, { ...scope, rowLimit: 0 })).counts);
      remaining = totalsOf(after);
      if (!opts.deleteExtra) remaining.extra = 0;
    }
    return { name: sel.name, dryRun: opts.dryRun, deleteExtra: opts.deleteExtra, promoted, remaining };
  });
}

/** Drops the shadow's schema / database / keyspace, then its registry row. */
export function dropShadow(
  ctx: ShadowContext,
  sel: ShadowSelection,
  opts: { dryRun: boolean },
): Promise<DropReport> {
  return withShadows(ctx, sel, async (conn, shadows) => {
    if (!opts.dryRun) {
      for (const s of shadows) {
        await shadowStore(conn, s.sink).drop(s.target);
        await conn.registry().remove(s.name, s.sink);
      }
    }
    return { name: sel.name, dryRun: opts.dryRun, dropped: shadows.map(brief) };
  });
}

/** Every registered shadow (tests and scripts; the same as SELECT * FROM ops.shadows). */
export async function listShadows(ctx: ShadowContext): Promise<ShadowRecord[]> {
  const conn = new ShadowConnections(shadowEnv(ctx.env));
  try {
    return await conn.registry().list();
  } finally {
    await conn.close();
  }
}
