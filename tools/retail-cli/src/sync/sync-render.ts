import type {
  DocumentRow,
  OperatorChange,
  StatusCount,
  StoreSummary,
} from '@retail-stream/national-pharmacy-sink';
import { formatTable } from '../cli-kit/output.ts';

const ago = (iso: string | null): string => {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
};

export function statusText(counts: StatusCount[], stores: StoreSummary[], failures: DocumentRow[]): string {
  const parts = [
    'Documents by status and type:',
    counts.length ? formatTable(counts) : '  (none)',
    '',
    'Per store:',
    stores.length
      ? formatTable(
          stores.map((s) => ({
            store: s.store_id,
            ma_co_so: s.ma_co_so,
            pending: s.pending,
            in_flight: s.in_flight,
            success: s.success,
            failed: s.failed,
            cancelled: s.cancelled,
            oldest_pending: ago(s.oldest_pending_at),
            waiting: s.waiting_reason ?? '',
          })),
        )
      : '  (none)',
  ];
  if (failures.length > 0) {
    parts.push('', 'Latest failures:', failuresText(failures));
  }
  return parts.join('\n');
}

export function failuresText(rows: DocumentRow[]): string {
  return formatTable(
    rows.map((d) => ({
      id: d.id,
      store: d.store_id,
      type: d.doc_type,
      local_id: d.local_id,
      error: (d.last_error ?? '').slice(0, 100),
    })),
  );
}

export function documentsText(rows: DocumentRow[]): string {
  if (rows.length === 0) return 'no document matches';
  return formatTable(
    rows.map((d) => ({
      id: d.id,
      type: d.op === 'DELETE' ? `${d.doc_type} (void)` : d.doc_type,
      store: d.store_id,
      local_id: d.local_id,
      day: d.business_date,
      status: d.status,
      attempts: d.attempts,
      national_id: d.national_id ?? '',
      reason: (d.waiting_reason ?? d.last_error ?? '').slice(0, 80),
    })),
  );
}

export function changeText(verb: string, c: OperatorChange, dryRun: boolean): string {
  const head = dryRun
    ? `dry run: would ${verb} ${c.matched.length} document(s)`
    : `${verb === 'retry' ? 'queued again' : 'cancelled'}: ${c.applied} document(s)`;
  const lines = [head];
  if (c.matched.length > 0) lines.push(documentsText(c.matched));
  if (c.skipped.length > 0) {
    lines.push(`skipped ${c.skipped.length}:`);
    for (const s of c.skipped.slice(0, 20)) lines.push(`  ${s.id} (${s.status}): ${s.reason}`);
  }
  return lines.join('\n');
}
