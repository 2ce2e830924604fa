import { inventoryMovementsTable } from './inventory-movements.ts';
import { kpiWindowsTable } from './kpi-windows.ts';
import { paymentsTable } from './payments.ts';
import { refundsTable } from './refunds.ts';
import { saleLinesTable } from './sale-lines.ts';
import { salesTable } from './sales.ts';
import { voidsTable } from './voids.ts';

/** Every table the sink writes, in the order a flush inserts them. */
export const CH_TABLES = [
  salesTable,
  saleLinesTable,
  paymentsTable,
  refundsTable,
  voidsTable,
  inventoryMovementsTable,
  kpiWindowsTable,
] as const;

export type Table = (typeof CH_TABLES)[number]['table'];
