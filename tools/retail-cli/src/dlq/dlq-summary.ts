import type { DlqRecord } from './dlq-record.ts';

/** Age buckets of `retail dlq list`, by how long ago a record was rejected. */
export const AGE_BUCKETS = [
  { name: '<1h', maxMs: 3_600_000 },
  { name: '1h-24h', maxMs: 86_400_000 },
  { name: '1d-7d', maxMs: 7 * 86_400_000 },
  { name: '>7d', maxMs: Infinity },
] as const;

export type AgeBucket = (typeof AGE_BUCKETS)[number]['name'];

export function ageBucketOf(rejectedAt: number, now: number): AgeBucket {
  const age = Math.max(0, now - rejectedAt);
  return AGE_BUCKETS.find((b) => age < b.maxMs)!.name;
}

export interface DlqGroup {
  code: string;
  sourceTopic: string;
  processor: string;
  age: AgeBucket;
  count: number;
  /** ISO times of the oldest and newest rejection in the group. */
  oldest: string;
  newest: string;
}

export interface DlqSummary {
  total: number;
  groups: DlqGroup[];
}

/** Records without dlq.* headers are grouped under this code (they were not written as dead letters). */
export const NOT_A_DEAD_LETTER = '(no dlq headers)';

/**
 * Counts by (code, source topic, processor, age bucket), for `list`. Pure; a streaming fold so a
 * large topic never sits in memory: call add() per record, then result().
 */
export class DlqSummarizer {
  private readonly groups = new Map<string, { g: DlqGroup; oldest: number; newest: number }>();
  private total = 0;

  constructor(private readonly now: number) {}

  add(r: DlqRecord): void {
    this.total++;
    const code = r.info?.code ?? NOT_A_DEAD_LETTER;
    const sourceTopic = r.info?.sourceTopic ?? '';
    const processor = r.info?.processor ?? '';
    const age = ageBucketOf(r.rejectedAt, this.now);
    const key = JSON.stringify([code, sourceTopic, processor, age]);
    const found = this.groups.get(key);
    if (!found) {
      this.groups.set(key, {
        g: { code, sourceTopic, processor, age, count: 1, oldest: '', newest: '' },
        oldest: r.rejectedAt,
        newest: r.rejectedAt,
      });
      return;
    }
    found.g.count++;
    found.oldest = Math.min(found.oldest, r.rejectedAt);
    found.newest = Math.max(found.newest, r.rejectedAt);
  }

  /** Groups ordered by code, source topic, processor, then youngest age bucket first. */
  result(): DlqSummary {
    const order = (a: AgeBucket) => AGE_BUCKETS.findIndex((b) => b.name === a);
    const groups = [...this.groups.values()]
      .map(({ g, oldest, newest }) => ({
        ...g,
        oldest: new Date(oldest).toISOString(),
        newest: new Date(newest).toISOString(),
      }))
      .sort(
        (a, b) =>
          a.code.localeCompare(b.code) ||
          a.sourceTopic.localeCompare(b.sourceTopic) ||
          a.processor.localeCompare(b.processor) ||
          order(a.age) - order(b.age),
      );
    return { total: this.total, groups };
  }
}
