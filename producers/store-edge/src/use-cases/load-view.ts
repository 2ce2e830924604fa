import type pg from 'pg';
import { getTransaction, loadLines, loadPayments } from '../db/transaction-repo.ts';
import { transactionView } from '../transaction-view.ts';

/** The transaction as a terminal sees it, read inside the caller's transaction (after its changes). */
export async function loadTransactionView(db: pg.ClientBase | pg.Pool, storeId: string, id: string) {
  const tx = await getTransaction(db, storeId, id);
  const [lines, payments] = await Promise.all([loadLines(db, id), loadPayments(db, id)]);
  return transactionView(tx, lines, payments);
}
