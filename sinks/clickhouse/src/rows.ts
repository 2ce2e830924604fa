import { ValidationError } from '@retail-stream/runtime';
import type { KpiWindowUpdated, StoreEvent } from '@retail-stream/schemas';
import { CH_TABLES, type Table } from './tables/all-tables.ts';
import type { Row } from './tables/define-table.ts';
import { movementRows } from './tables/inventory-movements.ts';
import { kpiWindowsRows } from './tables/kpi-windows.ts';
import { paymentRows } from './tables/payments.ts';
import { refundRows } from './tables/refunds.ts';
import { saleLineRows } from './tables/sale-lines.ts';
import { salesRows } from './tables/sales.ts';
import { voidRows } from './tables/voids.ts';

/**
 * Records → rows of the ClickHouse tables. Each table's row type, columns and mapping live in
 * tables/<table>.ts; this picks the tables an event goes to and checks what all of them share.
 */

export type { Row, Table };

/** Every table the sink writes, in the order a flush inserts them. */
export const TABLES: readonly Table[] = CH_TABLES.map((t) => t.table);

/** Rows per table, what one record or one batch produces. */
export type TableRows = Map<Table, Row[]>;

export function emptyTableRows(): TableRows {
  return new Map(TABLES.map((t) => [t, []]));
}

export function countRows(rows: TableRows): number {
  let n = 0;
  for (const list of rows.values()) n += list.length;
  return n;
}

/** Appends `more` to `into` per table (no copy of the items themselves): rows, or encoded parts. */
export function appendRows<T>(into: Map<Table, T[]>, more: Map<Table, T[]>): void {
  for (const [table, list] of more) {
    const target = into.get(table);
    if (target) for (const r of list) target.push(r);
    else into.set(table, [...list]);
  }
}

/**
 * Values the columns cannot hold (UInt64 store_seq, UInt16 positions) are bad input, not a
 * ClickHouse outage: they must be dead-lettered, never retried.
 */
function checkEnvelope(e: StoreEvent): void {
  if (!Number.isSafeInteger(e.store_seq) || e.store_seq < 1) {
    throw new ValidationError(
      'ROW_INVALID',
      `store_seq ${e.store_seq} of ${e.event_id} is not a positive integer`,
    );
  }
  if (e.event_id.length === 0 || e.store_id.length === 0) {
    throw new ValidationError('ROW_INVALID', 'event_id and store_id must not be empty');
  }
}

/** The fact rows of one enriched store event. Pure; throws ValidationError ROW_INVALID on bad input. */
export function storeEventRows(e: StoreEvent): TableRows {
  checkEnvelope(e);
  const out = emptyTableRows();
  const push = (t: Table, rows: Row[]) => out.get(t)!.push(...rows);
  switch (e.event_type) {
    case 'SaleRecorded':
      if (e.lines.length > 65_535) throw new ValidationError('ROW_INVALID', `${e.event_id}: too many lines`);
      push('sales', salesRows(e));
      push('sale_lines', saleLineRows(e));
      push('inventory_movements', movementRows(e));
      break;
    case 'PaymentCaptured':
    case 'PaymentFailed':
      push('payments', paymentRows(e));
      break;
    case 'SaleRefunded':
      push('refunds', refundRows(e));
      push('inventory_movements', movementRows(e));
      break;
    case 'SaleVoided':
      push('voids', voidRows(e));
      push('inventory_movements', movementRows(e));
      break;
    case 'GoodsReceived':
    case 'InventoryAdjusted':
      push('inventory_movements', movementRows(e));
      break;
    default: {
      const unknown: never = e;
      throw new ValidationError(
        'UNKNOWN_EVENT_TYPE',
        `no table for event type ${(unknown as { event_type?: string }).event_type}`,
      );
    }
  }
  return out;
}

/** The kpi_windows row of one KpiWindowUpdated. Pure; throws ValidationError ROW_INVALID on bad input. */
export function kpiWindowRows(k: KpiWindowUpdated): TableRows {
  const rows = kpiWindowsRows(k);
  const out = emptyTableRows();
  out.get('kpi_windows')!.push(...rows);
  return out;
}
