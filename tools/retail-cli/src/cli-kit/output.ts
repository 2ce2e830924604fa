import type { Writable } from 'node:stream';

/** A column of a human table: the row key, and optionally a header and a formatter. */
export interface Column<R> {
  key: keyof R & string;
  header?: string;
  format?: (value: R[keyof R], row: R) => string;
  /** Numbers are right-aligned by default. */
  align?: 'left' | 'right';
}

/** Renders rows as an aligned plain-text table (no colours: output is often piped into a file). */
export function formatTable<R extends object>(rows: readonly R[], columns?: readonly Column<R>[]): string {
  const cols: Column<R>[] = columns
    ? [...columns]
    : rows.length > 0
      ? (Object.keys(rows[0]!) as (keyof R & string)[]).map((key) => ({ key }))
      : [];
  if (cols.length === 0) return '(none)';
  const cells = rows.map((row) =>
    cols.map((c) => {
      const v = row[c.key];
      return c.format ? c.format(v, row) : formatValue(v);
    }),
  );
  const headers = cols.map((c) => c.header ?? c.key);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const right = cols.map((c, i) =>
    c.align ? c.align === 'right' : rows.length > 0 && rows.every((r) => typeof r[cols[i]!.key] === 'number'),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (rows.length === 0) out.push('(none)');
  return out.join('\n');
}

function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
  if (typeof v === 'object') return JSON.stringify(v, jsonReplacer);
  return String(v);
}

/** bigint (offsets, Cassandra longs) as strings, so JSON.stringify never throws on them. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Where a command's result goes. With `--json`, stdout carries exactly one JSON document (the
 * result) and nothing else, so `retail … --json | jq` always parses; notes go to stderr. Without,
 * the human text goes to stdout.
 */
export class Output {
  constructor(
    private readonly isJson: () => boolean,
    private readonly stdout: Writable = process.stdout,
    private readonly stderr: Writable = process.stderr,
  ) {}

  get json(): boolean {
    return this.isJson();
  }

  /** The command's result: `doc` as JSON with --json, else `human()` (text, or rows for a table). */
  result(doc: unknown, human: () => string | readonly object[]): void {
    if (this.isJson()) {
      this.stdout.write(`${JSON.stringify(doc, jsonReplacer)}\n`);
      return;
    }
    const text = human();
    this.stdout.write(`${typeof text === 'string' ? text : formatTable(text)}\n`);
  }

  /** A remark for people ("resuming from checkpoint …"): stderr, so it never mixes into JSON. */
  note(message: string): void {
    this.stderr.write(`${message}\n`);
  }
}
