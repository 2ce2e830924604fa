import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { describe, expect, it } from 'vitest';
import { unprojectable } from './records.ts';

describe('unprojectable', () => {
  const sale = new StoreEventFactory('s1').sale(1);

  it('accepts a store event keyed by its store', () => {
    expect(unprojectable(sale, 's1')).toBeUndefined();
  });

  it('names why a record can never be written', () => {
    expect(unprojectable({ sku: 'x', name: 'product' }, 'x')?.code).toBe('NOT_A_STORE_EVENT');
    expect(unprojectable({ ...sale, store_seq: 0 }, 's1')?.code).toBe('INVALID_STORE_SEQ');
    expect(unprojectable({ ...sale, store_id: '' }, '')?.code).toBe('INVALID_STORE_ID');
    expect(unprojectable(sale, 's2')?.code).toBe('KEY_MISMATCH');
    expect(unprojectable({ ...sale, transaction_id: '' }, 's1')?.code).toBe('INVALID_TRANSACTION_ID');
  });
});
