/**
 * Guarantee 2 as a check on what a topic partition holds for one store: every store_seq 1..n at
 * least once, first deliveries strictly in order, and duplicates only as a contiguous re-send of a
 * tail that had already been delivered (what a relay restarting from its first unmarked row does).
 *
 * The partition is cut into runs of consecutive store_seq (each element = previous + 1). A new run
 * may only start at or below the end of the previous run (a re-send restarting from an earlier
 * row); starting above it would skip events (a gap, or a reorder).
 */
export interface DeliveryReport {
  ok: boolean;
  problems: string[];
  /** Each restart: where in the partition, the store_seq it restarted from, and how many it repeated. */
  resends: { index: number; fromSeq: number; repeated: number }[];
  duplicates: number;
}

export function checkDelivery(seqs: readonly number[], expectedCount: number): DeliveryReport {
  const problems: string[] = [];
  const resends: DeliveryReport['resends'] = [];
  let max = 0;
  let duplicates = 0;
  for (let i = 0; i < seqs.length; i++) {
    const s = seqs[i]!;
    const prev = i === 0 ? 0 : seqs[i - 1]!;
    if (s !== prev + 1) {
      if (s > prev) problems.push(`index ${i}: store_seq ${s} follows ${prev} (skips ${prev + 1}..${s - 1})`);
      else resends.push({ index: i, fromSeq: s, repeated: Math.max(0, max - s + 1) });
    }
    if (s <= max) duplicates++;
    else if (s > max + 1) problems.push(`index ${i}: store_seq ${s} delivered before ${max + 1}`);
    max = Math.max(max, s);
  }
  if (max !== expectedCount)
    problems.push(`highest store_seq delivered is ${max}, expected ${expectedCount}`);
  const seen = new Set(seqs);
  const missing: number[] = [];
  for (let s = 1; s <= expectedCount && missing.length < 10; s++) if (!seen.has(s)) missing.push(s);
  if (missing.length > 0)
    problems.push(`missing store_seq ${missing.join(', ')}${missing.length === 10 ? ', …' : ''}`);
  return { ok: problems.length === 0, problems, resends, duplicates };
}
