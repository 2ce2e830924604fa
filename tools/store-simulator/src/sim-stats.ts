import { counter, histogram } from '@retail-stream/runtime';
import type { Registry } from 'prom-client';

export interface StatsSnapshot {
  sales: number;
  /** Sum of finalized sale totals per currency (minor units). */
  sales_minor: Record<string, number>;
  items: number;
  voids: number;
  refunds: number;
  goods_receipts: number;
  stock_counts: number;
  /** Pharmacy stores: lots written off (EXPIRY/DESTRUCTION) and documents the national sync must deliver. */
  write_offs: number;
  pharmacy_documents: number;
  payment_declines: number;
  /** Pharmacy sales the store refused for lack of unexpired lots (voided: the customer leaves). */
  out_of_stock: number;
  retries: number;
  errors: number;
  errors_by_code: Record<string, number>;
  in_flight: number;
}

/** Counters of one run, for the progress line, the control page and the summary; mirrored to metrics. */
export class SimStats {
  private readonly s: StatsSnapshot = {
    sales: 0,
    sales_minor: {},
    items: 0,
    voids: 0,
    refunds: 0,
    goods_receipts: 0,
    stock_counts: 0,
    write_offs: 0,
    pharmacy_documents: 0,
    payment_declines: 0,
    out_of_stock: 0,
    retries: 0,
    errors: 0,
    errors_by_code: {},
    in_flight: 0,
  };
  private readonly m;

  constructor(registry: Registry) {
    this.m = {
      operations: counter(
        registry,
        'retail_sim_operations_total',
        'Store operations acknowledged by the store edge, by kind',
        ['kind'],
      ),
      errors: counter(
        registry,
        'retail_sim_errors_total',
        'Operations that failed (counted, never fatal), by code',
        ['code'],
      ),
      retries: counter(
        registry,
        'retail_sim_retries_total',
        'Requests re-sent with the same Idempotency-Key',
      ),
      duration: histogram(
        registry,
        'retail_sim_checkout_duration_seconds',
        'One checkout from open to finalize, as a till sees it',
        [],
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ),
    };
  }

  sale(currency: string, totalMinor: number, items: number, seconds: number): void {
    this.s.sales++;
    this.s.items += items;
    this.s.sales_minor[currency] = (this.s.sales_minor[currency] ?? 0) + totalMinor;
    this.m.operations.inc({ kind: 'sale' });
    this.m.duration.observe(seconds);
  }

  count(
    kind:
      | 'voids'
      | 'refunds'
      | 'goods_receipts'
      | 'stock_counts'
      | 'write_offs'
      | 'pharmacy_documents'
      | 'payment_declines'
      | 'out_of_stock',
  ): void {
    this.s[kind]++;
    this.m.operations.inc({ kind });
  }

  retry(): void {
    this.s.retries++;
    this.m.retries.inc();
  }

  error(code: string): void {
    this.s.errors++;
    this.s.errors_by_code[code] = (this.s.errors_by_code[code] ?? 0) + 1;
    this.m.errors.inc({ code });
  }

  started(): void {
    this.s.in_flight++;
  }

  finished(): void {
    this.s.in_flight--;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.s);
  }
}
