import { formatTable } from '../cli-kit/output.ts';
import { headersText, keyText, type DlqRecord } from './dlq-record.ts';
import type { DlqSummary } from './dlq-summary.ts';
import type { PurgePlan } from './purge.ts';
import type { RedriveResult } from './redrive.ts';
import type { ValueView } from './value-view.ts';

/** `show`'s JSON for one record: where it is, what the dlq headers say, the other headers, the value. */
export function recordDoc(r: DlqRecord, value: ValueView): Record<string, unknown> {
  const headers = headersText(r.headers);
  const dlq: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) (k.startsWith('dlq.') ? dlq : other)[k] = v;
  return {
    partition: r.partition,
    offset: r.offset,
    timestamp: new Date(r.timestamp).toISOString(),
    key: keyText(r),
    deadLetter: r.info ?? null,
    redriveAttempt: r.attempt,
    dlqHeaders: dlq,
    headers: other,
    value,
  };
}

export function recordText(doc: ReturnType<typeof recordDoc>): string {
  const info = doc.deadLetter as DlqRecord['info'] | null;
  const lines = [
    `── ${doc.partition}:${doc.offset}  key ${JSON.stringify(doc.key)}  at ${String(doc.timestamp)}`,
  ];
  if (info) {
    lines.push(`  code       ${info.code}`);
    lines.push(`  message    ${info.message}`);
    lines.push(`  source     ${info.sourceTopic} ${info.sourcePartition}:${info.sourceOffset}`);
    lines.push(
      `  processor  ${info.processor}   rejected ${info.time}   redrive attempt ${String(doc.redriveAttempt)}`,
    );
  } else lines.push('  (no dlq.* headers: not written as a dead letter)');
  const other = doc.headers as Record<string, string>;
  if (Object.keys(other).length > 0) {
    lines.push(
      `  headers    ${Object.entries(other)
        .map(([k, v]) => `${k}=${v}`)
        .join('  ')}`,
    );
  }
  const value = doc.value as ValueView;
  if (value.kind === 'null') lines.push('  value      null');
  else if (value.kind === 'avro') {
    lines.push(`  value      schema id ${value.schemaId} (${value.type ?? 'unnamed'})`);
    for (const l of JSON.stringify(value.value, null, 2).split('\n')) lines.push(`    ${l}`);
  } else {
    lines.push(`  value      ${value.length} bytes, not decoded: ${value.reason}`);
    for (const l of value.hex) lines.push(`    ${l}`);
  }
  return lines.join('\n');
}

export function summaryText(s: DlqSummary, topic: string): string {
  const table = formatTable(s.groups, [
    { key: 'code' },
    { key: 'sourceTopic', header: 'source topic' },
    { key: 'processor' },
    { key: 'age' },
    { key: 'count', align: 'right' },
    { key: 'oldest' },
    { key: 'newest' },
  ]);
  return `${table}\n${s.total.toLocaleString('en-US')} dead letter(s) in ${topic} match`;
}

export function redriveText(r: RedriveResult): string {
  const verb = r.dryRun ? 'would be' : 'were';
  const lines = [
    `redrive ${r.runId}${r.dryRun ? ' (dry run: nothing sent)' : ''}`,
    `  matched          ${r.matched}`,
    `  redriven         ${r.redriven} ${verb} sent back to their source topic`,
    `  parked           ${r.parked} ${verb} parked (attempts used up)`,
    `  already handled  ${r.alreadyHandled} (an earlier run sent them; --again to resend)`,
  ];
  if (r.notReady > 0) {
    lines.push(`  not ready        ${r.notReady} (cause not fixed yet: ${r.notReadyReasons.join('; ')})`);
  }
  if (r.held > 0) {
    lines.push(
      `  held             ${r.held} from ${r.heldTopics.join(', ')}: its other consumers would apply them again; re-apply through the sink (retail replay --sink … --offsets …) or pass --fan-out`,
    );
  }
  if (r.invalid > 0) lines.push(`  not dead letters ${r.invalid} (no dlq.* headers; left alone)`);
  if (r.reachedMax) lines.push('  stopped at --max');
  for (const [topic, n] of Object.entries(r.byTopic)) lines.push(`  → ${topic}: ${n}`);
  return lines.join('\n');
}

export function purgeText(plan: PurgePlan): string {
  const table = formatTable(plan.partitions, [
    { key: 'partition' },
    { key: 'low', header: 'first offset' },
    { key: 'deleteBefore', header: 'delete before' },
    { key: 'high', header: 'end offset' },
    { key: 'count', header: 'records', align: 'right' },
  ]);
  const byCode = plan.summary.groups.map((g) => `${g.code} ×${g.count} (${g.processor}, ${g.age})`);
  return [
    `${plan.topic}: ${plan.total.toLocaleString('en-US')} record(s) would be deleted`,
    table,
    ...(byCode.length > 0 ? ['what they are:', ...byCode.map((l) => `  ${l}`)] : []),
  ].join('\n');
}
