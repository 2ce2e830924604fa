import { AppError } from '@retail-stream/runtime';
import { usageError } from '../cli-kit/exit-codes.ts';

/** One `--offsets topic:partition:from-to` range: offsets [from, to], both included as typed. */
export interface OffsetSpec {
  topic: string;
  partition: number;
  from: bigint;
  /** Exclusive end (the typed `to` + 1); undefined: up to the partition's end when resolved. */
  toExclusive: bigint | undefined;
}

// Topic names may contain dots, dashes and underscores but never ':', so split from the right.
const SPEC = /^(.+):(\d+):(\d+)-(\d*)$/;

/**
 * Parses `retail.events.enriched:3:1000-1999` (offsets 1000 to 1999, both included) or
 * `retail.events.enriched:3:1000-` (from 1000 to the end as of the start of the replay).
 */
export function parseOffsetSpec(text: string): OffsetSpec {
  const m = SPEC.exec(text.trim());
  if (!m) {
    throw usageError(
      `--offsets '${text}': expected topic:partition:from-to, e.g. retail.events.enriched:0:100-199`,
    );
  }
  const from = BigInt(m[3]!);
  const to = m[4] === '' ? undefined : BigInt(m[4]!);
  if (to !== undefined && to < from) {
    throw new AppError(
      'REPLAY_BAD_RANGE',
      `--offsets '${text}': the range ends (${to}) before it starts (${from})`,
    );
  }
  return { topic: m[1]!, partition: Number(m[2]), from, toExclusive: to === undefined ? undefined : to + 1n };
}

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Values given repeatedly and/or comma-separated (`--store S1,S2 --store S3`), trimmed, deduplicated. */
export function listOption(values: readonly string[] | undefined): string[] {
  const out = new Set<string>();
  for (const v of values ?? []) {
    for (const part of v.split(',')) {
      const p = part.trim();
      if (p) out.add(p);
    }
  }
  return [...out];
}
