import { formatTable } from '../cli-kit/output.ts';
import type { ReconcileRun } from './run-reconcile.ts';

/** The human report: one line per store, then the differences and the events missing per sink. Pure. */
export function renderReconcile(run: ReconcileRun): string {
  const out: string[] = [`reconciliation ${run.run_id} of local day ${run.date}`, ''];
  out.push(
    formatTable(
      run.results.map((r) => ({
        store: r.store_id,
        timezone: r.timezone,
        status: r.status,
        differences: (r.after ?? r).differences.length,
        missing: (r.after ?? r).missing.length,
        repaired: r.repaired
          ? Object.entries(r.repaired.applied)
              .map(([s, n]) => `${s}:${n}`)
              .join(' ')
          : '',
        events: r.figures.store?.events ?? 0,
      })),
    ),
  );
  for (const r of run.results) {
    if (r.error) out.push('', `${r.store_id}: FAILED: ${r.error}`);
    if (r.differences.length > 0) {
      out.push('', `${r.store_id}: differences${r.after ? ' (before repair)' : ''}`);
      out.push(
        formatTable(
          r.differences.map((d) => ({
            source: d.source,
            measure: d.measure,
            store: d.store,
            sink: d.sink ?? 'none',
            diff: d.diff,
          })),
        ),
      );
    }
    if (r.missing.length > 0) {
      out.push('', `${r.store_id}: events missing${r.after ? ' (before repair)' : ''}`);
      out.push(
        formatTable(
          r.missing.map((m) => ({
            sink: m.sink,
            event_id: m.event_id,
            seq: m.store_seq,
            type: m.event_type,
            transaction: m.transaction_id ?? '',
          })),
        ),
      );
    }
    if (r.repaired?.notInKafka.length) {
      const fromOutbox = new Set(r.repaired.fromOutbox);
      const lost = r.repaired.notInKafka.filter((id) => !fromOutbox.has(id));
      out.push('', `${r.store_id}: no longer in Kafka: ${r.repaired.notInKafka.join(', ')}`);
      if (fromOutbox.size > 0)
        out.push(`  re-applied from the store's outbox: ${[...fromOutbox].join(', ')}`);
      if (lost.length > 0) out.push(`  not repaired (not in the outbox either): ${lost.join(', ')}`);
    }
    if (r.after && (r.after.differences.length > 0 || r.after.missing.length > 0)) {
      out.push('', `${r.store_id}: still different after repair`);
      out.push(
        formatTable(
          r.after.differences.map((d) => ({
            source: d.source,
            measure: d.measure,
            store: d.store,
            sink: d.sink ?? 'none',
            diff: d.diff,
          })),
        ),
      );
    }
  }
  return out.join('\n');
}
