import crypto from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { z } from 'zod';
import { STORE_EPOCH_HEADER } from './store-epoch.ts';

/**
 * Signed store events (docs/security.md): every record on the raw topic carries an HMAC-SHA256 made
 * with its store's own key, so a principal allowed to write the topic (any relay, the gateway) still
 * cannot pass off one store's events as another's, or change an event it did not sign.
 *
 * Keys: HQ holds versioned master keys; a store's key is HMAC(master, "store-signing:" + store_id).
 * A store (its relay) is given only its derived key, so it can neither derive another store's key
 * nor recover the master. HQ (ingest, gateway) derives any store's key on demand, so adding a store
 * needs no key table. Two master versions are valid during a rollover; the signature names its version.
 */
export const STORE_HEADERS = {
  /** `v1:<keyVersion>:<base64url HMAC>`; set by the store's relay or by the gateway. */
  signature: 'store.signature',
  /**
   * The store's epoch (store-epoch.ts, set by the relay). Covered by the signature when present, so
   * a writer cannot move a store's records into another epoch.
   */
  epoch: STORE_EPOCH_HEADER,
} as const;

/** Headers the MAC covers besides key and value; other headers (trace, redrive.*) may change in flight. */
const SIGNED_HEADERS = [STORE_HEADERS.epoch] as const;

const FORMAT = 'v1';
const DOMAIN = Buffer.from('retail-store-signature/v1\n');
const KEY_VERSION = /^[a-z0-9][a-z0-9_-]{0,15}$/;
const ABSENT = 0xffffffff;

export interface SigningKey {
  /** Which master key version the key derives from, e.g. `v2`. */
  version: string;
  key: Buffer;
}

/** The record fields a signature covers (a kafkajs Message or KafkaMessage fits). */
export interface SignableRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

/** The store's signing key under one master key version (what a store is provisioned with). */
export function deriveStoreKey(master: SigningKey, storeId: string): SigningKey {
  const key = crypto.createHmac('sha256', master.key).update(`store-signing:${storeId}`).digest();
  return { version: master.version, key };
}

/** `<version>:<base64url key>`, the form RELAY_SIGNING_KEY and `retail keys derive` use. */
export function formatSigningKey(k: SigningKey): string {
  return `${k.version}:${k.key.toString('base64url')}`;
}

/** The signature header value of a record. */
export function signRecord(record: SignableRecord, key: SigningKey): string {
  return `${FORMAT}:${key.version}:${mac(record, key.key).toString('base64url')}`;
}

/** A copy of the record with its signature header set (any signature it carried is replaced). */
export function withStoreSignature<M extends SignableRecord>(record: M, key: SigningKey): M {
  return { ...record, headers: { ...record.headers, [STORE_HEADERS.signature]: signRecord(record, key) } };
}

export type SignatureFailure = 'missing' | 'malformed' | 'unknown_version' | 'mismatch';
export type SignatureCheck =
  { ok: true; version: string } | { ok: false; reason: SignatureFailure; message: string };

/**
 * Verifies records against the store named by their key. Derived keys are cached, bounded: store ids
 * come from the record key, which anyone allowed to write the topic chooses.
 */
export class StoreSignatureVerifier {
  private readonly masters: ReadonlyMap<string, SigningKey>;
  private readonly derived = new Map<string, Buffer>();

  constructor(
    masterKeys: readonly SigningKey[],
    private readonly cacheMax = 10_000,
  ) {
    if (masterKeys.length === 0) throw new Error('at least one signing master key is required');
    this.masters = new Map(masterKeys.map((k) => [k.version, k]));
  }

  /** Versions accepted, for logs. */
  get versions(): string[] {
    return [...this.masters.keys()];
  }

  verify(record: SignableRecord): SignatureCheck {
    const header = record.headers?.[STORE_HEADERS.signature];
    if (header === undefined) return fail('missing', 'the record carries no store signature');
    if (Array.isArray(header)) return fail('malformed', 'the record carries more than one store signature');
    // Parsed with indexOf, not split: this runs once per raw record in ingest.
    const text = typeof header === 'string' ? header : header.toString();
    const first = text.indexOf(':');
    const second = first < 0 ? -1 : text.indexOf(':', first + 1);
    const version = second < 0 ? '' : text.slice(first + 1, second);
    if (
      second < 0 ||
      text.indexOf(':', second + 1) >= 0 ||
      text.slice(0, first) !== FORMAT ||
      !KEY_VERSION.test(version)
    )
      return fail('malformed', `the store signature is not ${FORMAT}:<version>:<mac>`);
    const master = this.masters.get(version);
    if (!master) return fail('unknown_version', `signed with key version ${version}, which is not accepted`);
    const given = Buffer.from(text.slice(second + 1), 'base64url');
    const storeId = record.key == null ? '' : record.key.toString();
    const expected = mac(record, this.storeKey(master, storeId));
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
      return fail('mismatch', `the store signature does not match store ${JSON.stringify(storeId)}'s key`);
    return { ok: true, version };
  }

  private storeKey(master: SigningKey, storeId: string): Buffer {
    const id = `${master.version}\u0000${storeId}`;
    let key = this.derived.get(id);
    if (!key) {
      // Oldest first out; a flood of invented store ids only costs re-derivations, never memory.
      if (this.derived.size >= this.cacheMax) this.derived.delete(this.derived.keys().next().value!);
      this.derived.set(id, (key = deriveStoreKey(master, storeId).key));
    }
    return key;
  }
}

const fail = (reason: SignatureFailure, message: string): SignatureCheck => ({ ok: false, reason, message });

/**
 * HMAC over an unambiguous encoding: a domain tag, then key, value and each signed header as
 * (4-byte length, bytes), absent fields as a length no real field has. store_seq is inside the value
 * bytes (as are store_id, event_id and everything else the store wrote), so it is covered there.
 */
function mac(record: SignableRecord, key: Buffer): Buffer {
  const h = crypto.createHmac('sha256', key).update(DOMAIN);
  field(h, record.key);
  field(h, record.value);
  for (const name of SIGNED_HEADERS) {
    const v = record.headers?.[name];
    if (Array.isArray(v)) {
      // Several values of one header: count, then each (never equal to one value's encoding).
      h.update(u32(ABSENT - 1 - v.length));
      for (const one of v) field(h, one);
    } else field(h, v);
  }
  return h.digest();
}

function field(h: crypto.Hmac, v: Buffer | string | null | undefined): void {
  if (v === null || v === undefined) {
    h.update(u32(ABSENT));
    return;
  }
  if (typeof v === 'string') {
    h.update(u32(Buffer.byteLength(v)));
    h.update(v, 'utf8');
    return;
  }
  h.update(u32(v.length));
  h.update(v);
}

// Hmac.update consumes its input before returning, so one scratch buffer serves every length field.
const scratch = Buffer.alloc(4);

function u32(n: number): Buffer {
  scratch.writeUInt32BE(n);
  return scratch;
}

/** `v2:<secret>,v1:<secret>`: master keys (HQ), secret at least 32 characters, versions unique. */
export const signingMasterKeys = z
  .string()
  .transform((s, ctx) =>
    parseKeyList(s, ctx, (secret) => (secret.length >= 32 ? Buffer.from(secret) : undefined)),
  )
  .pipe(z.array(z.custom<SigningKey>()).min(1, 'needs at least one <version>:<secret>'));

/** `v2:<base64url key>`: one store's derived key, as `retail keys derive` prints it. */
export const storeSigningKey = z
  .string()
  .transform((s, ctx) => parseKeyList(s, ctx, (secret) => decodeDerived(secret)))
  .pipe(z.array(z.custom<SigningKey>()).length(1, 'exactly one <version>:<key>'))
  .transform((keys) => keys[0]!);

function decodeDerived(secret: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return Buffer.from(secret, 'base64url');
}

function parseKeyList(
  s: string,
  ctx: z.RefinementCtx,
  secretOf: (secret: string) => Buffer | undefined,
): SigningKey[] {
  const keys: SigningKey[] = [];
  for (const entry of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    const version = entry.slice(0, at);
    const key = at > 0 ? secretOf(entry.slice(at + 1)) : undefined;
    // Never echo the entry: it is a secret.
    if (!KEY_VERSION.test(version) || !key) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${keys.length + 1}: expected <version>:<key> (version a-z0-9_-, key long enough)`,
      });
      return z.NEVER;
    }
    if (keys.some((k) => k.version === version)) {
      ctx.addIssue({ code: 'custom', message: `key version ${version} is listed twice` });
      return z.NEVER;
    }
    keys.push({ version, key });
  }
  return keys;
}
