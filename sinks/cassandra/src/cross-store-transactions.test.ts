import { seededRandom } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { sharedTransactionIds } from './cross-store-transactions.ts';
import { transactionKey, type TransactionState } from './projection-plan.ts';

const stateOf = (storeId: string): TransactionState => ({
  storeId,
  day: null,
  occurredAt: null,
  status: null,
  statusTimestamp: null,
  payments: new Map(),
  refunds: new Map(),
});

describe('sharedTransactionIds', () => {
  const a = new StoreEventFactory('store_a', seededRandom(1));
  const b = new StoreEventFactory('store_b', seededRandom(2));
  const saleA = a.sale(2);

  it("reports store B's void, refund, payment and sale naming a transaction store A holds", () => {
    const known = new Map([[transactionKey('store_a', saleA.transaction_id), stateOf('store_a')]]);
    const attacks = [
      b.void(saleA),
      b.refund(saleA),
      b.paymentCaptured(saleA),
      { ...b.sale(1), transaction_id: saleA.transaction_id },
    ];
    expect(sharedTransactionIds(attacks, known)).toEqual(
      attacks.map(() => ({
        transactionId: saleA.transaction_id,
        storeId: 'store_b',
        otherStores: ['store_a'],
      })),
    );
  });

  it("reports A's genuine event when B's row for the id came first (nothing is refused either way)", () => {
    const known = new Map([[transactionKey('store_b', saleA.transaction_id), stateOf('store_b')]]);
    expect(sharedTransactionIds([saleA], known)).toEqual([
      { transactionId: saleA.transaction_id, storeId: 'store_a', otherStores: ['store_b'] },
    ]);
  });

  it('reports a second store naming the id within one batch, not the first', () => {
    const fresh = a.sale(1);
    expect(sharedTransactionIds([fresh, b.void(fresh)], new Map())).toEqual([
      { transactionId: fresh.transaction_id, storeId: 'store_b', otherStores: ['store_a'] },
    ]);
  });

  it("reports nothing for a store's own transactions, its own row or events without a transaction", () => {
    const known = new Map([[transactionKey('store_a', saleA.transaction_id), stateOf('store_a')]]);
    expect(sharedTransactionIds([saleA, a.void(saleA), a.paymentCaptured(saleA), b.sale(1)], known)).toEqual(
      [],
    );
  });
});
