/**
 * The end-to-end checker's arithmetic: what a sink should hold (keyed expectations) against what it
 * holds (rows, possibly repeated), as one table row per check. Pure, so the rules are unit-tested
 * apart from the databases.
 */

export interface CheckRow {
  /** e.g. "postgres hq_transactions". */
  check: string;
  expected: number;
  found: number;
  /** Expected keys not found at all. */
  missing: number;
  /** Keys found more than once (extra copies counted once per key). */
  duplicated: number;
  /** Keys found once but with different values, or found without being expected. */
  wrong: number;
  /** A few examples of each problem, for the operator. */
  examples: string[];
}

export interface Found<V> {
  key: string;
  value: V;
}

const MAX_EXAMPLES = 5;

/**
 * Compares expectations with found rows. `same` decides whether a found value matches the expected
 * one; `describe` renders a value for examples.
 */
export function reconcile<E, F>(
  check: string,
  expected: ReadonlyMap<string, E>,
  found: Iterable<Found<F>>,
  same: (expected: E, found: F) => boolean,
  describe: (value: E | F) => string = (v) => JSON.stringify(v),
): CheckRow {
  const seen = new Map<string, F[]>();
  let foundCount = 0;
  for (const row of found) {
    foundCount += 1;
    const list = seen.get(row.key);
    if (list) list.push(row.value);
    else seen.set(row.key, [row.value]);
  }
  const row: CheckRow = {
    check,
    expected: expected.size,
    found: foundCount,
    missing: 0,
    duplicated: 0,
    wrong: 0,
    examples: [],
  };
  const example = (text: string) => {
    if (row.examples.length < MAX_EXAMPLES) row.examples.push(text);
  };
  for (const [key, want] of expected) {
    const got = seen.get(key);
    if (!got) {
      row.missing += 1;
      example(`missing ${key}`);
      continue;
    }
    if (got.length > 1) {
      row.duplicated += 1;
      example(`${key} found ${got.length} times`);
    }
    if (!got.every((g) => same(want, g))) {
      row.wrong += 1;
      example(`${key}: expected ${describe(want)}, found ${got.map(describe).join(' | ')}`);
    }
  }
  for (const key of seen.keys()) {
    if (!expected.has(key)) {
      row.wrong += 1;
      example(`unexpected ${key}`);
    }
  }
  return row;
}

/** A single-number check (e.g. DLQ records = 0, gaps = 0) as a table row. */
export function countCheck(check: string, expected: number, found: number, example?: string): CheckRow {
  const ok = expected === found;
  return {
    check,
    expected,
    found,
    missing: Math.max(0, expected - found),
    duplicated: 0,
    wrong: ok ? 0 : 1,
    examples: ok || !example ? [] : [example],
  };
}

export function isClean(row: CheckRow): boolean {
  return row.missing === 0 && row.duplicated === 0 && row.wrong === 0;
}

/** Fixed-width text table: check | expected | found | missing | duplicated | wrong, then examples. */
export function renderTable(rows: readonly CheckRow[]): string {
  const head = ['check', 'expected', 'found', 'missing', 'duplicated', 'wrong', ''];
  const body = rows.map((r) => [
    r.check,
    String(r.expected),
    String(r.found),
    String(r.missing),
    String(r.duplicated),
    String(r.wrong),
    isClean(r) ? 'ok' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const r of rows) for (const e of r.examples) out.push(`  ${r.check}: ${e}`);
  return out.join('\n');
}
