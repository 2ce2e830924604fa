import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { PG_SCHEMA_NAME } from '@retail-stream/runtime';
import type pg from 'pg';

/** The facts exported per day: HQ table, its time column and its key (keyset pagination). */
const FACTS = [
  { file: 'sales', table: 'hq_transactions', time: 'occurred_at', key: ['store_id', 'transaction_id'] },
  {
    file: 'sale_lines',
    table: 'hq_line_items',
    time: 'occurred_at',
    key: ['store_id', 'transaction_id', 'line_no'],
  },
  { file: 'payments', table: 'hq_payments', time: 'occurred_at', key: ['store_id', 'payment_id'] },
  { file: 'refunds', table: 'hq_refunds', time: 'occurred_at', key: ['store_id', 'refund_id'] },
] as const;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Pure. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface ExportResult {
  date: string;
  dir: string;
  files: { file: string; rows: number }[];
}

/**
 * The UTC day's facts from HQ Postgres as `<dir>/<date>/<fact>.csv.gz` (header row, one row per
 * fact), written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function exportDay(
  db: pg.Pool,
  schema: string,
  date: string,
  dir: string,
): Promise<ExportResult> {
  if (!PG_SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`date: YYYY-MM-DD expected, got ${date}`);
  const out = path.join(dir, date);
  await fs.promises.mkdir(out, { recursive: true });
  const start = new Date(`${date}T00:00:00Z`);
  const end = new Date(start.getTime() + 86_400_000);
  const files: ExportResult['files'] = [];
  for (const f of FACTS) {
    let rows = 0;
    async function* lines(): AsyncGenerator<string> {
      let after: unknown[] | null = null;
      let header = false;
      for (;;) {
        const keyCols = f.key.join(', ');
        const cond = after ? `AND (${keyCols}) > (${f.key.map((_, i) => `$${i + 3}`).join(', ')})` : '';
        const res: pg.QueryResult = await db.query(
          `SELECT * FROM "${schema}".${f.table} WHERE ${f.time} >= $1 AND ${f.time} < $2 ${cond} ORDER BY ${keyCols} LIMIT 5000`,
          [start, end, ...(after ?? [])],
        );
        if (!header) {
          yield `${res.fields.map((c) => c.name).join(',')}\n`;
          header = true;
        }
        if (res.rows.length === 0) return;
        rows += res.rows.length;
        yield res.rows.map((r) => res.fields.map((c) => csvField(r[c.name])).join(',')).join('\n') + '\n';
        const last = res.rows.at(-1)!;
        after = f.key.map((k) => last[k]);
        if (res.rows.length < 5000) return;
      }
    }
    const final = path.join(out, `${f.file}.csv.gz`);
    const tmp = `${final}.tmp`;
    await pipeline(Readable.from(lines()), createGzip(), fs.createWriteStream(tmp));
    await fs.promises.rename(tmp, final);
    files.push({ file: final, rows });
  }
  return { date, dir: out, files };
}
