import { deriveStoreKey, signRecord, STORE_HEADERS, type SigningKey } from '@retail-stream/runtime';
import type { PosEventHeaders, PosEventRecord } from '@retail-stream/schemas';

/**
 * The gateway signs for the store it authenticated (by its API key), exactly as that store's relay
 * would sign straight to Kafka (runtime/src/store-signature.ts): with the store's key derived from the
 * current master version (the first of SIGNING_MASTER_KEYS). Records are built from the request's
 * JSON by the gateway itself, so a caller has no way to put a signature (or any header) of its own
 * on them; a signature header is set last and replaces whatever was there.
 */
export class StoreSigner {
  private readonly current: SigningKey;
  /** Authenticated store ids only, so bounded by the number of stores with keys. */
  private readonly keys = new Map<string, SigningKey>();

  constructor(masterKeys: readonly SigningKey[]) {
    if (!masterKeys[0]) throw new Error('at least one signing master key is required');
    this.current = masterKeys[0];
  }

  sign(storeId: string, records: readonly PosEventRecord[]): PosEventRecord[] {
    let key = this.keys.get(storeId);
    if (!key) this.keys.set(storeId, (key = deriveStoreKey(this.current, storeId)));
    return records.map((r) => {
      const signature = signRecord({ key: r.key, value: r.value, headers: { ...r.headers } }, key);
      // The sink sends every header it is given; the signature rides along with the record's own.
      const headers = { ...r.headers, [STORE_HEADERS.signature]: signature } as PosEventHeaders;
      return { ...r, headers };
    });
  }
}
