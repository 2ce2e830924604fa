/** Offsets as kafkajs admin returns them: strings, '-1' for "no committed offset". */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface PartitionBounds {
  partition: number;
  /** First offset still on the log (log start). */
  low: string;
  /** Next offset to be written (log end). */
  high: string;
}

export interface TopicLag {
  topic: string;
  lag: number;
  /** Partitions the group never committed on; counted from the log start. */
  uncommittedPartitions: number;
}

export interface GroupLag {
  groupId: string;
  lag: number;
  topics: TopicLag[];
}

/**
 * Lag of one partition: records between the committed position and the log end. A position below
 * the log start (retention deleted what the group never read) only owes what is still there; no
 * commit at all owes the whole retained log, which is what a group reading from earliest faces.
 */
export function partitionLag(committed: string | undefined, bounds: PartitionBounds): number {
  const high = Number(bounds.high);
  const low = Number(bounds.low);
  const pos = committed === undefined || Number(committed) < 0 ? low : Math.max(Number(committed), low);
  return Math.max(0, high - pos);
}

/** Sum of partition lags per topic and overall, for one group. */
export function groupLag(
  groupId: string,
  committed: readonly CommittedOffset[],
  boundsByTopic: ReadonlyMap<string, readonly PartitionBounds[]>,
): GroupLag {
  const topics: TopicLag[] = [];
  for (const [topic, partitions] of boundsByTopic) {
    let lag = 0;
    let uncommittedPartitions = 0;
    for (const b of partitions) {
      const c = committed.find((o) => o.topic === topic && o.partition === b.partition)?.offset;
      if (c === undefined || Number(c) < 0) uncommittedPartitions += 1;
      lag += partitionLag(c, b);
    }
    topics.push({ topic, lag, uncommittedPartitions });
  }
  topics.sort((a, b) => a.topic.localeCompare(b.topic));
  return { groupId, lag: topics.reduce((s, t) => s + t.lag, 0), topics };
}

/** Records held by a topic now: log end minus log start over its partitions. */
export function recordCount(partitions: readonly PartitionBounds[]): number {
  return partitions.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0);
}
