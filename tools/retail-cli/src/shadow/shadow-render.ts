import { formatTable } from '../cli-kit/output.ts';
import type { DiffReport, DropReport, PromoteReport } from './shadow-ops.ts';

/** Human text of the shadow commands (the --json documents are the reports themselves). */

const store = (s: string | null) => s ?? '(none)';

function header(r: { name: string; shadows: DiffReport['shadows'] }): string {
  return `shadow ${r.name}: ${r.shadows.map((s) => `${s.sink} ${s.target} (${s.status})`).join(', ')}`;
}

function scopeText(r: DiffReport): string {
  return Object.entries(r.stores)
    .map(
      ([sink, stores]) =>
        `${sink}: ${stores === null ? 'every row (--all)' : stores.map(store).join(', ') || '(no stores)'}`,
    )
    .join('; ');
}

export function diffText(r: DiffReport): string {
  const lines = [header(r), `scope: ${scopeText(r)}`, ''];
  const t = r.totals;
  if (t.missing + t.extra + t.different === 0) {
    lines.push('no differences: live equals the shadow in scope');
    return lines.join('\n');
  }
  const counts = [...r.counts].sort(
    (a, b) =>
      a.sink.localeCompare(b.sink) ||
      a.table.localeCompare(b.table) ||
      store(a.store_id).localeCompare(store(b.store_id)),
  );
  lines.push(
    formatTable(
      counts.map((c) => ({
        sink: c.sink,
        table: c.table,
        store: store(c.store_id),
        missing: c.missing,
        extra: c.extra,
        different: c.different,
      })),
    ),
  );
  if (r.rows.length > 0) {
    lines.push(
      '',
      'rows (missing: only in the shadow; extra: only in live; different: same key, other values):',
    );
    lines.push(
      formatTable(
        r.rows.map((x) => ({
          sink: x.sink,
          table: x.table,
          store: store(x.store_id),
          kind: x.kind,
          key: JSON.stringify(x.key),
        })),
      ),
    );
  }
  lines.push('', `total: ${t.missing} missing, ${t.extra} extra, ${t.different} different`);
  return lines.join('\n');
}

export function promoteText(r: PromoteReport): string {
  const written = r.promoted.filter((p) => p.upserted + p.deleted > 0);
  const verb = r.dryRun ? 'would write' : 'wrote';
  const lines = [`promote ${r.name}${r.dryRun ? ' (dry run: nothing written)' : ''}`];
  lines.push(
    written.length === 0
      ? 'nothing to promote: live already equals the shadow'
      : formatTable(written.map((p) => ({ ...p, forced: p.forced ?? 0, newerInLive: p.newerInLive ?? 0 }))),
  );
  const up = r.promoted.reduce((s, p) => s + p.upserted, 0);
  const del = r.promoted.reduce((s, p) => s + p.deleted, 0);
  const newer = r.promoted.reduce((s, p) => s + (p.newerInLive ?? 0), 0);
  if (newer > 0) {
    lines.push(
      `${newer} row(s) kept as they are: live holds newer data than the shadow there (events after the replay's range)`,
    );
  }
  const forced = r.promoted.reduce((s, p) => s + (p.forced ?? 0), 0);
  if (forced > 0) {
    lines.push(
      `${forced} row(s) needed more than a copy (Cassandra: hidden by a newer hand-made cell or tombstone, rewritten at the wall clock; ClickHouse: a live copy with a higher version, deleted first)`,
    );
  }
  lines.push(
    `${verb} ${up} row(s), deleted ${del}${r.deleteExtra ? '' : ' (extra rows are kept without --delete-extra)'}`,
  );
  if (r.remaining) {
    const m = r.remaining;
    lines.push(
      m.missing + m.different + m.extra === 0
        ? 'verified: a new diff finds no differences'
        : `still differing after promote: ${m.missing} missing, ${m.different} different, ${m.extra} extra`,
    );
  }
  return lines.join('\n');
}

export function dropText(r: DropReport): string {
  const what = r.dropped.map((s) => `${s.sink} ${s.target}`).join(', ');
  return r.dryRun ? `would drop ${what} (dry run: nothing dropped)` : `dropped ${what}`;
}
