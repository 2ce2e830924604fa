import { STORE_ID } from '@retail-stream/schemas';

/** One scripted outage: take `storeId` offline at `atMs` after the run starts, for `durationMs`. */
export interface OfflineEpisode {
  storeId: string;
  atMs: number;
  durationMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `250ms`, `20s`, `1.5m`, `2h`; a bare number is seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new RangeError(`'${text}' is not a duration like 20s, 1.5m or 500ms`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}

/** `s003@20s+20s`: at 20 s take s003 offline for 20 s. */
export function parseOfflineEpisode(spec: string): OfflineEpisode {
  const m = /^([^@+\s]+)@([^+\s]+)\+(\S+)$/.exec(spec.trim());
  if (!m) throw new RangeError(`'${spec}' is not <store>@<start>+<duration>, e.g. s003@20s+20s`);
  const [, storeId, at, duration] = m as unknown as [string, string, string, string];
  if (!STORE_ID.test(storeId)) throw new RangeError(`'${storeId}' is not a store id`);
  const episode = { storeId, atMs: parseDuration(at), durationMs: parseDuration(duration) };
  if (episode.durationMs <= 0) throw new RangeError(`'${spec}': the duration must be positive`);
  return episode;
}

/** Several specs (repeated flags and/or comma lists), sorted by start; overlaps on one store are refused. */
export function parseOfflineSchedule(specs: readonly string[]): OfflineEpisode[] {
  const episodes = specs
    .flatMap((s) => s.split(','))
    .filter((s) => s.trim() !== '')
    .map(parseOfflineEpisode)
    .sort((a, b) => a.atMs - b.atMs || a.storeId.localeCompare(b.storeId));
  const lastEnd = new Map<string, number>();
  for (const e of episodes) {
    if ((lastEnd.get(e.storeId) ?? -1) > e.atMs) {
      throw new RangeError(`offline episodes of ${e.storeId} overlap (one starts at ${e.atMs} ms)`);
    }
    lastEnd.set(e.storeId, e.atMs + e.durationMs);
  }
  return episodes;
}
