import { describe, expect, it } from 'vitest';
import * as storeEdge from '@retail-stream/store-edge';
import { OUTBOX_CHANNEL, STORE_ID, storeDatabaseName, storeDatabaseUrl } from './store-database-url.ts';

describe('store database naming (repeated from the store edge)', () => {
  it('matches the store edge exactly', () => {
    const admin = 'postgres://retail@127.0.0.1:55432/retail_hq?application_name=x';
    for (const id of ['hcm_001', 'a', 'store_with_31_characters_abcdef']) {
      expect(storeDatabaseName(id)).toBe(storeEdge.storeDatabaseName(id));
      expect(storeDatabaseUrl(admin, id)).toBe(storeEdge.storeDatabaseUrl(admin, id));
    }
    expect(STORE_ID.source).toBe(storeEdge.STORE_ID.source);
    expect(OUTBOX_CHANNEL).toBe(storeEdge.OUTBOX_CHANNEL);
  });

  it('refuses ids that would need quoting', () => {
    expect(() => storeDatabaseName('Store-1')).toThrow(RangeError);
  });
});
