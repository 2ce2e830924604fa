import type { SimStatus } from './simulator.ts';

function money(byCurrency: Record<string, number>): string {
  const parts = Object.entries(byCurrency).map(([ccy, v]) => `${v.toLocaleString('en-US')} ${ccy}`);
  return parts.length > 0 ? parts.join(', ') : '0';
}

/** One line: elapsed, measured vs target rate, totals and errors. */
export function formatProgress(status: SimStatus, measuredRate: number): string {
  const s = status.stats;
  const elapsed = `${status.elapsed_s.toFixed(0)}s${status.duration_s > 0 ? `/${status.duration_s}s` : ''}`;
  const offline = status.stores.filter((st) => !st.online).map((st) => st.store_id);
  return [
    `[${status.state}] ${elapsed}`,
    `rate ${measuredRate.toFixed(1)}/${status.target_rate}/s`,
    `sales ${s.sales} (${money(s.sales_minor)})`,
    `items ${s.items}`,
    `voids ${s.voids} refunds ${s.refunds} receipts ${s.goods_receipts} counts ${s.stock_counts}`,
    s.pharmacy_documents > 0
      ? `pharmacy docs ${s.pharmacy_documents} write-offs ${s.write_offs} out of stock ${s.out_of_stock}`
      : '',
    `declines ${s.payment_declines}`,
    `retries ${s.retries}`,
    `errors ${s.errors}`,
    offline.length > 0 ? `offline ${offline.join(',')}` : '',
  ]
    .filter(Boolean)
    .join(' | ');
}

/** The end-of-run summary, several lines. */
export function formatSummary(status: SimStatus): string {
  const s = status.stats;
  const rate = status.elapsed_s > 0 ? s.sales / status.elapsed_s : 0;
  const errors = Object.entries(s.errors_by_code)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code}×${n}`)
    .join(', ');
  return [
    `simulation ${status.state} after ${status.elapsed_s.toFixed(1)}s: ${status.stores.length} store(s)`,
    `  sales        ${s.sales} (${rate.toFixed(1)}/s), ${s.items} items, ${money(s.sales_minor)}`,
    `  voids        ${s.voids}   refunds ${s.refunds}   goods receipts ${s.goods_receipts}   stock counts ${s.stock_counts}`,
    `  pharmacies   ${s.pharmacy_documents} documents for the national sync, ${s.write_offs} lot write-offs, ${s.out_of_stock} sales refused: medicine out of stock (voided)`,
    `  payments     ${s.payment_declines} declined/failed attempts (each retried)`,
    `  network      ${s.retries} requests re-sent with the same Idempotency-Key`,
    `  errors       ${s.errors}${errors ? ` (${errors})` : ''}`,
    `  ledger       ${status.ledger.file} (${status.ledger.records} records)`,
  ].join('\n');
}

/**
 * On a TTY the line is rewritten in place every second; otherwise a plain line every
 * `plainEveryMs`, so logs collected by a supervisor stay readable.
 */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastSales = 0;
  private lastAt = Date.now();
  private lastPlain = 0;

  constructor(
    private readonly status: () => SimStatus,
    private readonly out: NodeJS.WriteStream,
    private readonly plainEveryMs = 10_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.out.isTTY) this.out.write('\n');
  }

  private tick(): void {
    const status = this.status();
    const now = Date.now();
    const rate = ((status.stats.sales - this.lastSales) * 1000) / Math.max(1, now - this.lastAt);
    this.lastSales = status.stats.sales;
    this.lastAt = now;
    const line = formatProgress(status, rate);
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${line.slice(0, Math.max(40, (this.out.columns || 200) - 1))}`);
    } else if (now - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = now;
      this.out.write(`${line}\n`);
    }
  }
}
