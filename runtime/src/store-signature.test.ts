import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import {
  deriveStoreKey,
  formatSigningKey,
  signingMasterKeys,
  signRecord,
  STORE_HEADERS,
  StoreSignatureVerifier,
  storeSigningKey,
  withStoreSignature,
  type SignableRecord,
  type SigningKey,
} from './store-signature.ts';
import { z } from 'zod';

const v1: SigningKey = { version: 'v1', key: Buffer.from('master-one-'.padEnd(40, 'x')) };
const v2: SigningKey = { version: 'v2', key: Buffer.from('master-two-'.padEnd(40, 'y')) };
const record = (key: string, value = 'body'): SignableRecord => ({
  key: Buffer.from(key),
  value: Buffer.from(value),
});
const signedBy = (storeId: string, master: SigningKey, value = 'body') =>
  withStoreSignature(record(storeId, value), deriveStoreKey(master, storeId));

describe('store signatures', () => {
  it('a record signed with its store key verifies', () => {
    expect(new StoreSignatureVerifier([v1]).verify(signedBy('s001', v1))).toEqual({
      ok: true,
      version: 'v1',
    });
  });

  it('store keys differ per store and per master version, and are not the master', () => {
    const a = deriveStoreKey(v1, 's001').key;
    expect(a).toHaveLength(32);
    expect(a.equals(deriveStoreKey(v1, 's002').key)).toBe(false);
    expect(a.equals(deriveStoreKey(v2, 's001').key)).toBe(false);
    expect(a.equals(deriveStoreKey(v1, 's001').key)).toBe(true);
  });

  it('refuses a missing, malformed, doubled or unknown-version signature', () => {
    const verifier = new StoreSignatureVerifier([v1]);
    expect(verifier.verify(record('s001'))).toMatchObject({ ok: false, reason: 'missing' });
    for (const bad of ['garbage', 'v1:v1', 'v9:v1:abc', 'v1:V1!:abc', 'v1:v1:abc:def'])
      expect(
        verifier.verify({ ...record('s001'), headers: { [STORE_HEADERS.signature]: bad } }),
      ).toMatchObject({
        ok: false,
        reason: 'malformed',
      });
    const good = signedBy('s001', v1).headers![STORE_HEADERS.signature] as string;
    expect(
      verifier.verify({ ...record('s001'), headers: { [STORE_HEADERS.signature]: [good, good] } }),
    ).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifier.verify(signedBy('s001', v2))).toMatchObject({ ok: false, reason: 'unknown_version' });
  });

  it('refuses a signature with the right store id but another key (forged)', () => {
    const forged = withStoreSignature(record('s001'), { version: 'v1', key: Buffer.alloc(32, 7) });
    expect(new StoreSignatureVerifier([v1]).verify(forged)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it("refuses store B's signed record re-keyed as store A, and an altered value", () => {
    const verifier = new StoreSignatureVerifier([v1]);
    const b = signedBy('s002', v1);
    expect(verifier.verify({ ...b, key: Buffer.from('s001') })).toMatchObject({ reason: 'mismatch' });
    expect(verifier.verify({ ...b, value: Buffer.from('bodY') })).toMatchObject({ reason: 'mismatch' });
    expect(verifier.verify({ ...b, key: null })).toMatchObject({ reason: 'mismatch' });
  });

  it('covers the store epoch header (added, changed or doubled fails), not other headers', () => {
    const verifier = new StoreSignatureVerifier([v1]);
    const key = deriveStoreKey(v1, 's001');
    const withEpoch = withStoreSignature(
      { ...record('s001'), headers: { [STORE_HEADERS.epoch]: 'e1', trace_id: 't' } },
      key,
    );
    expect(verifier.verify(withEpoch).ok).toBe(true);
    expect(
      verifier.verify({ ...withEpoch, headers: { ...withEpoch.headers, 'redrive.attempt': '1' } }).ok,
    ).toBe(true);
    for (const epoch of ['e2', ['e1', 'e2'], undefined])
      expect(
        verifier.verify({ ...withEpoch, headers: { ...withEpoch.headers, [STORE_HEADERS.epoch]: epoch } }),
      ).toMatchObject({ reason: 'mismatch' });
    // Key/value boundaries are length-prefixed: moving bytes between them changes the MAC.
    const s1 = signRecord({ key: 'ab', value: 'c' }, key);
    expect(signRecord({ key: 'a', value: 'bc' }, key)).not.toBe(s1);
  });

  it('rotation: both versions verify while both are configured; after removing v1 a v1 record fails', () => {
    const both = new StoreSignatureVerifier([v2, v1]);
    expect(both.verify(signedBy('s001', v1))).toEqual({ ok: true, version: 'v1' });
    expect(both.verify(signedBy('s001', v2))).toEqual({ ok: true, version: 'v2' });
    expect(new StoreSignatureVerifier([v2]).verify(signedBy('s001', v1))).toMatchObject({
      reason: 'unknown_version',
    });
  });

  it('the derived-key cache stays bounded under invented store ids', () => {
    const verifier = new StoreSignatureVerifier([v1], 3);
    for (let i = 0; i < 50; i++) expect(verifier.verify(signedBy(`s${i}`, v1)).ok).toBe(true);
    expect((verifier as unknown as { derived: Map<string, Buffer> }).derived.size).toBe(3);
  });
});

describe('signing key settings', () => {
  const env = (schema: z.ZodType, v: string) => parseConfig(z.object({ K: schema }), { K: v }).K;

  it('parses master keys in order and the derived key round-trips through its printed form', () => {
    const keys = env(signingMasterKeys, `v2:${'b'.repeat(32)}, v1:${'a'.repeat(32)}`) as SigningKey[];
    expect(keys.map((k) => k.version)).toEqual(['v2', 'v1']);
    const store = deriveStoreKey(keys[0]!, 's001');
    expect(env(storeSigningKey, formatSigningKey(store))).toEqual(store);
  });

  it('refuses short secrets, duplicate versions and malformed derived keys without echoing them', () => {
    const secret = 'short-secret';
    for (const [schema, v] of [
      [signingMasterKeys, `v1:${secret}`],
      [signingMasterKeys, `v1:${'a'.repeat(32)},v1:${'b'.repeat(32)}`],
      [signingMasterKeys, ''],
      [storeSigningKey, `v1:${secret}`],
      [storeSigningKey, `v1:${'A'.repeat(43)},v2:${'A'.repeat(43)}`],
    ] as const) {
      expect(() => env(schema, v)).toThrow(/K:/);
      try {
        env(schema, v);
      } catch (err) {
        expect((err as Error).message).not.toContain(secret);
      }
    }
  });
});
