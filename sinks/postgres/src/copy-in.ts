import type pg from 'pg';

/**
 * `COPY … FROM STDIN` on a pg client without pg-copy-streams (not a dependency): a pg "submittable"
 * (what `client.query()` accepts besides text) that sends one prepared payload when the server
 * asks for the data, then resolves with the row count COPY reports. The payload is the whole
 * batch in COPY's text format (copyText below), so one COPY is one round trip.
 */
class CopyIn {
  callback?: (err: Error | null, rowCount?: number) => void;
  private error: Error | null = null;
  private rowCount = 0;
  private done = false;

  constructor(
    private readonly text: string,
    private readonly payload: Buffer,
  ) {}

  /** pg calls this when the query reaches the head of the client's queue. */
  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }): void {
    if (this.payload.length > 0) connection.sendCopyFromChunk(this.payload);
    connection.endCopyFrom();
  }

  handleCommandComplete(msg: { text: string }): void {
    // "COPY 1234"
    this.rowCount = Number(/(\d+)$/.exec(msg.text)?.[1] ?? 0);
  }

  /** A server error is followed by ReadyForQuery; a dead socket is not: answer at once either way. */
  handleError(err: Error): void {
    this.error = err;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  // Messages a COPY FROM never gets; pg calls them only on protocol surprises.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.callback?.(this.error, this.rowCount);
  }
}

/** COPYs rows into `target` (a table with the spec's columns, or its staging table); the rows copied. */
export function copyRows<R>(
  client: pg.ClientBase,
  target: string,
  columns: readonly (readonly [keyof R & string, string])[],
  rows: readonly R[],
): Promise<number> {
  const names = columns.map(([c]) => c).join(', ');
  return copyIn(client, `COPY ${target} (${names}) FROM STDIN`, copyText(columns, rows));
}

/** Runs `COPY <target> FROM STDIN` with a text-format payload; resolves with the rows copied. */
export function copyIn(client: pg.ClientBase, text: string, payload: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const q = new CopyIn(text, payload);
    q.callback = (err, n) => (err ? reject(err) : resolve(n ?? 0));
    void (client.query as unknown as (q: CopyIn) => unknown)(q);
  });
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: \N for null, backslash escapes for \, tab, newline, return. */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  // A number's text has no character COPY escapes.
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESCAPES[c]!) : s;
}

/**
 * Rows → COPY text-format payload (tab-separated, one line per row) for the given columns. One
 * string for the whole payload, converted once: no line strings, no join (1.5× faster than that,
 * docs/BENCHMARKS.md, 2026-12-07).
 */
export function copyText<R>(
  columns: readonly (readonly [keyof R & string, string])[],
  rows: readonly R[],
): Buffer {
  const names = columns.map(([c]) => c);
  let text = '';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let j = 0; j < names.length; j++) {
      if (j > 0) text += '\t';
      text += copyField(row[names[j] as keyof R]);
    }
    text += '\n';
  }
  return Buffer.from(text, 'utf8');
}
