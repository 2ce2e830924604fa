import type { Message } from 'kafkajs';
import { deriveStoreKey, formatSigningKey, withStoreSignature, type SigningKey } from '../store-signature.ts';

/**
 * The signing master key every test, benchmark and the end-to-end run give HQ (SIGNING_MASTER_KEYS),
 * so a test that writes the raw topic itself signs as a provisioned relay would. Test-only: real
 * deployments generate their own (docs/security.md).
 */
export const TEST_SIGNING_MASTER: SigningKey = {
  version: 'v1',
  key: Buffer.from('test-signing-master-key-not-for-production'),
};

/** SIGNING_MASTER_KEYS for a test's HQ services (ingest, gateway). */
export const TEST_SIGNING_MASTER_KEYS = `${TEST_SIGNING_MASTER.version}:${TEST_SIGNING_MASTER.key.toString()}`;

/** RELAY_SIGNING_KEY of a test store's relay. */
export function testRelaySigningKey(storeId: string): string {
  return formatSigningKey(deriveStoreKey(TEST_SIGNING_MASTER, storeId));
}

/** The records signed by their stores (the record key), as their relays would sign them. */
export function signedByStores<M extends Message>(messages: readonly M[], master = TEST_SIGNING_MASTER): M[] {
  const keys = new Map<string, SigningKey>();
  return messages.map((m) => {
    const storeId = m.key == null ? '' : m.key.toString();
    let key = keys.get(storeId);
    if (!key) keys.set(storeId, (key = deriveStoreKey(master, storeId)));
    return withStoreSignature(m, key);
  });
}
