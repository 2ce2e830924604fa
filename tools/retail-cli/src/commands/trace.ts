import type { Command } from 'commander';
import { withAudit } from '../cli-kit/audit.ts';
import type { CliContext } from '../cli-kit/context.ts';
import { EXIT, usageError } from '../cli-kit/exit-codes.ts';
import { addCommand } from '../program.ts';
import { renderTimeline } from '../trace/timeline.ts';
import { traceDepsOf } from '../trace/trace-context.ts';
import { traceEvent, type TraceKey } from '../trace/trace-event.ts';

interface TraceOptions {
  store?: string;
  seq?: string;
  storeDb?: string;
  duplicatesTopic?: string;
  index: boolean;
  cassandra: boolean;
}

/** retail trace EVENT_ID | --store S --seq N (docs/trace-and-reconcile.md). */
export function registerTrace(program: Command, ctx: CliContext): void {
  addCommand(
    program,
    'trace',
    "One event's whole path with timestamps: store outbox, raw topic, ingest (enriched, duplicate or dead letter), every sink, KPI windows",
    [
      'retail trace 0193a4c2-7d1e-7c3a-9f00-3b2a1c0d9e8f',
      'retail trace --store s001 --seq 1234',
      'retail trace --store s001 --seq 1234 --store-db postgres://retail@10.0.0.7:5432/store_s001',
      'retail trace 0193a4c2-7d1e-7c3a-9f00-3b2a1c0d9e8f --json | jq .hops',
    ],
  )
    .argument('[event_id]', 'the event id (UUID)')
    .option('--store <id>', 'the store (with --seq; or a hint for an event id HQ never saw)')
    .option('--seq <n>', "the event's store_seq (with --store)")
    .option('--store-db <url>', "the store's own Postgres database (default: store_<id> on PG_URL's server)")
    .option(
      '--duplicates-topic <topic>',
      "ingest's duplicates topic (default INGEST_DUPLICATES_TOPIC or retail.ingest.duplicates)",
    )
    .option('--no-index', 'do not read new dead letters and duplicates into the trace index first')
    .option('--no-cassandra', 'skip the Cassandra projections')
    .addHelpText(
      'after',
      '\nExit codes: 0 found, 2 no outbox, HQ inbox, dead letter or duplicate knows the event (TRACE_EVENT_UNKNOWN).',
    )
    .action(async (eventId: string | undefined, o: TraceOptions) => {
      const key = traceKeyOf(eventId, o);
      await withAudit(ctx, { command: 'trace', args: { eventId, ...o }, filters: key }, async () => {
        const deps = await traceDepsOf(ctx, {
          storeDb: o.storeDb,
          storeDbFor: o.store,
          duplicatesTopic: o.duplicatesTopic,
          index: o.index,
          cassandra: o.cassandra,
        });
        const started = performance.now();
        const result = await traceEvent(deps, key, { storeHint: o.store });
        const ms = Math.round(performance.now() - started);
        if (!result.found) {
          ctx.exitCode = EXIT.DIFFERENCES;
          const message = `TRACE_EVENT_UNKNOWN: no store outbox, HQ inbox, dead letter or duplicate knows ${
            'eventId' in key ? `event ${key.eventId}` : `store ${key.storeId} seq ${key.storeSeq}`
          }`;
          ctx.output.result({ found: false, code: 'TRACE_EVENT_UNKNOWN', message, key }, () => message);
          return { found: 0, ms };
        }
        const { findings: _omit, ...doc } = result;
        ctx.output.result(
          {
            ...doc,
            sinks: result.findings.sinks,
            kpi: result.findings.kpi,
            outbox: result.findings.outbox,
            took_ms: ms,
          },
          () => `${renderTimeline(result)}\n(${ms} ms)`,
        );
        return { found: 1, outcome: result.outcome, ms };
      });
    });
}

function traceKeyOf(eventId: string | undefined, o: TraceOptions): TraceKey {
  if (eventId !== undefined) {
    if (o.seq !== undefined) throw usageError('give an event id or --store with --seq, not both');
    return { eventId };
  }
  if (o.store === undefined || o.seq === undefined) {
    throw usageError('give an event id, or --store S --seq N');
  }
  const seq = Number(o.seq);
  if (!Number.isSafeInteger(seq) || seq < 1)
    throw usageError(`--seq: a positive integer expected, got ${o.seq}`);
  return { storeId: o.store, storeSeq: seq };
}
