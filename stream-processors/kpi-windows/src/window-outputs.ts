import type { AvroSerde } from '@retail-stream/runtime';
import type avro from 'avsc';
import type { Message, TopicMessages } from 'kafkajs';
import { encodeMeta, encodeWindow, metaEntryKey, windowEntryKey } from './changelog.ts';
import type { KpiMetrics } from './kpi-metrics.ts';
import { kpiKey, kpiRecord } from './kpi-record.ts';
import type { StoreWindows, WindowEmit } from './store-windows.ts';

export interface OutputDeps {
  serde: AvroSerde;
  kpiSchemaId: number;
  kpiType: avro.Type;
  metrics: KpiMetrics;
  topics: { output: string; storeWindows: string; changelog: string };
  /** The input partition: its changelog records go to the same changelog partition. */
  partition: number;
}

/**
 * What one transaction of stage 1 publishes for window updates: each emitted KpiWindowUpdated to
 * the output topic and to the internal store-windows topic (stage 2's input), and the changed and
 * evicted windows and store marks of the touched stores to the changelog.
 */
export function windowOutputs(
  emits: readonly WindowEmit[],
  touched: Iterable<StoreWindows>,
  now: number,
  d: OutputDeps,
): TopicMessages[] {
  const out: Message[] = [];
  const internal: Message[] = [];
  let finals = 0;
  for (const { storeId, w } of emits) {
    const rec = kpiRecord({
      storeId,
      w,
      m: w.m,
      currency: w.currency,
      revision: w.revision,
      isFinal: w.isFinal,
      now,
    });
    const key = kpiKey(rec);
    const value = d.serde.encodeWith(d.kpiSchemaId, d.kpiType, rec);
    const headers = { event_type: 'KpiWindowUpdated' };
    out.push({ key, value, headers });
    internal.push({ key, value, headers, partition: 0 });
    if (w.isFinal) finals++;
  }
  // Counted once per transaction, not per record (a labelled inc hashes its labels every call).
  if (finals > 0) d.metrics.updates.inc({ scope: 'store', final: 'true' }, finals);
  if (emits.length > finals) d.metrics.updates.inc({ scope: 'store', final: 'false' }, emits.length - finals);
  const changelog: Message[] = [];
  for (const s of touched) {
    const { changed, removed } = s.takeChanges();
    for (const key of changed) {
      if (key === 'meta') {
        changelog.push({ key: metaEntryKey(s.storeId), value: encodeMeta(s.meta), partition: d.partition });
        continue;
      }
      const w = s.windows.get(key);
      if (w)
        changelog.push({
          key: windowEntryKey(s.storeId, key),
          value: encodeWindow(w),
          partition: d.partition,
        });
    }
    for (const key of removed) {
      changelog.push({ key: windowEntryKey(s.storeId, key), value: null, partition: d.partition });
    }
  }
  const messages: TopicMessages[] = [];
  if (out.length > 0) {
    messages.push({ topic: d.topics.output, messages: out });
    messages.push({ topic: d.topics.storeWindows, messages: internal });
  }
  if (changelog.length > 0) messages.push({ topic: d.topics.changelog, messages: changelog });
  return messages;
}

/** Adds changelog entries to the changelog topic's messages (one entry per topic per transaction). */
export function appendToTopic(messages: TopicMessages[], topic: string, entries: Message[]): void {
  const existing = messages.find((t) => t.topic === topic);
  if (existing) existing.messages.push(...entries);
  else messages.push({ topic, messages: entries });
}
