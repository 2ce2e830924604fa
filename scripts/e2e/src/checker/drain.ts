import { logLevel } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { newKafkaClient } from '@retail-stream/runtime';

/**
 * "The pipeline has drained": every consumer group has read its topics to the end, the stores'
 * outboxes are empty and the sinks' counts stopped moving. Transaction markers take an offset no
 * consumer commits past, so a lag of one per partition counts as read.
 */

export interface GroupTopics {
  groupId: string;
  topics: string[];
}

export async function groupLag(
  brokers: string[],
  groups: readonly GroupTopics[],
): Promise<Map<string, number>> {
  const admin = newKafkaClient({ clientId: 'e2e-checker', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const lag = new Map<string, number>();
    const ends = new Map<string, Map<number, { high: number; low: number }>>();
    for (const g of groups) {
      for (const topic of g.topics) {
        if (!ends.has(topic)) {
          const offs = await admin.fetchTopicOffsets(topic);
          ends.set(
            topic,
            new Map(offs.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }])),
          );
        }
      }
      const committed = await admin.fetchOffsets({ groupId: g.groupId, topics: g.topics });
      for (const t of committed) {
        const end = ends.get(t.topic)!;
        let total = 0;
        for (const [p, e] of end) {
          const c = Number(t.partitions.find((x) => x.partition === p)?.offset ?? -1);
          const behind = e.high - (c < 0 ? e.low : c);
          if (behind > 1) total += behind;
        }
        lag.set(`${g.groupId} ${t.topic}`, total);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

export interface DrainProbe {
  /** Consumer lag per group/topic (0 = read to the end). */
  lag: () => Promise<Map<string, number>>;
  /** Rows still waiting in the stores' outboxes. */
  unpublished: () => Promise<number>;
  /** Any string that changes while sinks still write. */
  progress: () => Promise<string>;
}

/**
 * Polls until drained (lag 0, outboxes empty, progress unchanged over `stableMs`) or `timeoutMs`.
 * Returns whether it drained and what was still pending.
 */
export async function waitForDrain(
  probe: DrainProbe,
  opts: { timeoutMs: number; stableMs?: number; intervalMs?: number; log?: (line: string) => void },
): Promise<{ drained: boolean; pending: string }> {
  const deadline = Date.now() + opts.timeoutMs;
  const stableMs = opts.stableMs ?? 5_000;
  let last = '';
  let since = Date.now();
  let pending = 'not checked';
  let lastLog = 0;
  for (;;) {
    const [lag, unpublished, progress] = await Promise.all([
      probe.lag(),
      probe.unpublished(),
      probe.progress(),
    ]);
    const behind = [...lag].filter(([, v]) => v > 0).map(([k, v]) => `${k}: ${v}`);
    if (progress !== last) {
      last = progress;
      since = Date.now();
    }
    const stable = Date.now() - since >= stableMs;
    pending = [
      ...behind,
      unpublished > 0 ? `outbox rows unpublished: ${unpublished}` : undefined,
      stable ? undefined : 'sink counts still moving',
    ]
      .filter((x) => x !== undefined)
      .join('; ');
    if (behind.length === 0 && unpublished === 0 && stable) return { drained: true, pending: '' };
    if (Date.now() >= deadline) return { drained: false, pending };
    if (opts.log && Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      opts.log(`waiting for the pipeline to drain: ${pending}`);
    }
    await sleep(opts.intervalMs ?? 1_000);
  }
}
