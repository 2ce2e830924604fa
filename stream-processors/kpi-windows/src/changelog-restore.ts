import { readTopicRange } from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';
import { decodeEntry } from './changelog.ts';
import { StoreWindows, type WindowPolicy } from './store-windows.ts';

export interface RestoredPartition {
  stores: Map<string, StoreWindows>;
  /** The next input offset the state reflects (the checkpoint); undefined: none written yet. */
  next: bigint | undefined;
  records: number;
}

/**
 * Rebuilds one input partition's store windows from its changelog partition, read by assignment
 * to its end (committed records only). Call after the partition's transactional producer has been
 * initialised: that fences the previous owner and aborts its open transaction, so what is read here
 * is final.
 */
export async function restorePartition(
  kafka: Kafka,
  changelogTopic: string,
  partition: number,
  policy: WindowPolicy,
): Promise<RestoredPartition> {
  const restored: RestoredPartition = { stores: new Map(), next: undefined, records: 0 };
  const store = (storeId: string): StoreWindows => {
    let s = restored.stores.get(storeId);
    if (!s) {
      s = new StoreWindows(storeId, policy);
      restored.stores.set(storeId, s);
    }
    return s;
  };
  await readTopicRange({
    kafka,
    topic: changelogTopic,
    partitions: [partition],
    onBatch: (_p, messages) => {
      for (const m of messages) {
        restored.records++;
        const entry = decodeEntry(m.key?.toString() ?? '', m.value);
        if (!entry) continue;
        if (entry.kind === 'checkpoint') restored.next = entry.next;
        else if (entry.kind === 'meta') {
          if (entry.meta) store(entry.storeId).restoreMeta(entry.meta);
        } else store(entry.storeId).restoreWindow(entry.windowKey, entry.state);
      }
    },
  });
  return restored;
}
