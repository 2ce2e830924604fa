import { canonical, type CqlTable } from './cassandra-tables.ts';

/**
 * The CQL that makes one live row equal to its shadow row, cell by cell, with explicit write
 * timestamps. The sink writes every cell at its event's store_seq (sinks/cassandra/src/
 * write-timestamp.ts), so a cell is copied at the shadow's own timestamp: later sink writes keep
 * winning as they should. A live cell written later than the shadow's (a change by hand without
 * USING TIMESTAMP) is overwritten at its timestamp + 1, and a live cell the shadow lacks is
 * deleted at its own timestamp (a tombstone wins a tie). A live cell the sink wrote after the
 * shadow's (a store_seq-sized timestamp above the shadow's: an event the shadow's replay did not
 * cover) is newer data and is kept, counted as `kept`. `force` raises every timestamp to at least
 * that value (the wall clock, for what a hand-made tombstone still hides). Pure.
 */

/**
 * Below this a write timestamp is the sink's (a store_seq); at or above it, wall-clock
 * microseconds (1973 onwards): a write made without USING TIMESTAMP.
 */
export const WALL_CLOCK_FLOOR = 10n ** 14n;

/** Reads `name` of a row: a cassandra-driver Row, or a plain stand-in in tests. */
export interface CellRow {
  get(name: string): unknown;
}

export interface Write {
  cql: string;
  params: unknown[];
}

export interface RowWrites {
  writes: Write[];
  /** Live cells left alone because the sink wrote them after the shadow's (newer data). */
  kept: number;
}

function newest(row: CellRow | undefined, t: CqlTable): bigint {
  let max = 0n;
  for (const c of t.regular) {
    const w = row?.get(`wt_${c.name}`) as bigint | bigint[] | null | undefined;
    for (const x of Array.isArray(w) ? w : w == null ? [] : [w]) if (x > max) max = x;
  }
  return max;
}

/** The cell writes that make the live row equal to the shadow row. */
export function cellWrites(
  t: CqlTable,
  live: string,
  s: CellRow | undefined,
  l: CellRow | undefined,
  force?: bigint,
): RowWrites {
  const keyCols = [...t.partitionKey, ...t.clustering];
  const where = keyCols.map((c) => `${c} = ?`).join(' AND ');
  const keyVals = keyCols.map((c) => (s ?? l)!.get(c));
  const out: Write[] = [];
  let kept = 0;
  const shadowNewest = newest(s, t);
  /** The live cell is the sink's and newer than what the shadow has: keep it (unless forcing). */
  const newerInLive = (st: bigint | null, lt: bigint | null): boolean =>
    force === undefined && lt !== null && lt < WALL_CLOCK_FLOOR && lt > (st ?? shadowNewest);
  const atLeast = (x: bigint): bigint => (force !== undefined && force > x ? force : x);
  const ts = (st: bigint | null, lt: bigint | null): bigint =>
    atLeast(lt === null || st === null || lt < st ? st! : lt + 1n);
  for (const c of t.regular) {
    const sv = s?.get(c.name) ?? null;
    const lv = l?.get(c.name) ?? null;
    if (!c.map) {
      if (canonical(sv) === canonical(lv)) continue;
      const st = (s?.get(`wt_${c.name}`) as bigint | null) ?? null;
      const lt = (l?.get(`wt_${c.name}`) as bigint | null) ?? null;
      if (newerInLive(sv === null ? null : st, lt)) {
        kept++;
        continue;
      }
      if (sv !== null) {
        out.push({
          cql: `UPDATE ${live}.${t.table} USING TIMESTAMP ? SET ${c.name} = ? WHERE ${where}`,
          params: [ts(st, lt), sv, ...keyVals],
        });
      } else {
        out.push({
          cql: `DELETE ${c.name} FROM ${live}.${t.table} USING TIMESTAMP ? WHERE ${where}`,
          params: [atLeast(lt!), ...keyVals],
        });
      }
      continue;
    }
    // A non-frozen map: one cell per entry; WRITETIME gives one timestamp per entry, in key order.
    const sm = (sv ?? {}) as Record<string, unknown>;
    const lm = (lv ?? {}) as Record<string, unknown>;
    const stimes = entryTimes(sm, s?.get(`wt_${c.name}`));
    const ltimes = entryTimes(lm, l?.get(`wt_${c.name}`));
    for (const [k, v] of Object.entries(sm)) {
      if (k in lm && canonical(lm[k]) === canonical(v)) continue;
      if (newerInLive(stimes.get(k) ?? null, ltimes.get(k) ?? null)) {
        kept++;
        continue;
      }
      out.push({
        cql: `UPDATE ${live}.${t.table} USING TIMESTAMP ? SET ${c.name}[?] = ? WHERE ${where}`,
        params: [ts(stimes.get(k) ?? null, ltimes.get(k) ?? null), k, v, ...keyVals],
      });
    }
    for (const k of Object.keys(lm)) {
      if (k in sm) continue;
      if (newerInLive(null, ltimes.get(k) ?? null)) {
        kept++;
        continue;
      }
      out.push({
        cql: `DELETE ${c.name}[?] FROM ${live}.${t.table} USING TIMESTAMP ? WHERE ${where}`,
        params: [k, atLeast(ltimes.get(k)!), ...keyVals],
      });
    }
  }
  return { writes: out, kept };
}

function entryTimes(map: Record<string, unknown>, times: unknown): Map<string, bigint> {
  const keys = Object.keys(map);
  const list = Array.isArray(times) ? (times as bigint[]) : [];
  return new Map(keys.map((k, i) => [k, list[i]!]));
}

/** Deletes a whole live row at its newest cell's timestamp (a tombstone wins a tie). */
export function rowDelete(t: CqlTable, live: string, l: CellRow, force?: bigint): Write {
  const keyCols = [...t.partitionKey, ...t.clustering];
  let newest = 0n;
  for (const c of t.regular) {
    const w = l.get(`wt_${c.name}`) as bigint | bigint[] | null;
    for (const x of Array.isArray(w) ? w : w === null ? [] : [w]) if (x > newest) newest = x;
  }
  return {
    cql: `DELETE FROM ${live}.${t.table} USING TIMESTAMP ? WHERE ${keyCols.map((c) => `${c} = ?`).join(' AND ')}`,
    params: [force !== undefined && force > newest ? force : newest, ...keyCols.map((c) => l.get(c))],
  };
}
