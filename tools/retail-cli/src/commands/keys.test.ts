import {
  deriveStoreKey,
  parseConfig,
  storeSigningKey,
  StoreSignatureVerifier,
  withStoreSignature,
} from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCli } from '../dlq/testing/run-cli.ts';

const V1 = 'first-master-key-for-the-cli-test-0001';
const V2 = 'second-master-key-for-the-cli-test-002';
const env = { SIGNING_MASTER_KEYS: `v2:${V2},v1:${V1}`, LOG_LEVEL: 'silent' };

describe('retail keys derive', () => {
  it("prints the store's relay key (current version), which signs records ingest accepts", async () => {
    const run = await runCli(['keys', 'derive', '--store', 's017', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json<{ store_id: string; version: string; relay_signing_key: string }>();
    expect(doc).toMatchObject({ store_id: 's017', version: 'v2' });
    // The relay parses it as it would RELAY_SIGNING_KEY, and HQ verifies what it signs.
    const key = parseConfig(z.object({ K: storeSigningKey }), { K: doc.relay_signing_key }).K;
    const record = withStoreSignature({ key: 's017', value: Buffer.from('x') }, key);
    const hq = new StoreSignatureVerifier([{ version: 'v2', key: Buffer.from(V2) }]);
    expect(hq.verify(record)).toEqual({ ok: true, version: 'v2' });
    expect(hq.verify({ ...record, key: 's018' })).toMatchObject({ ok: false });
    expect(run.stdout).not.toContain(V2);

    const human = await runCli(['keys', 'derive', '--store', 's017', '--key-version', 'v1'], env);
    expect(human.code).toBe(0);
    const v1Key = deriveStoreKey({ version: 'v1', key: Buffer.from(V1) }, 's017').key.toString('base64url');
    expect(human.stdout).toContain(`RELAY_SIGNING_KEY=v1:${v1Key}`);
  });

  it('refuses an unknown version, a bad store id and a missing master key (usage, config errors)', async () => {
    expect((await runCli(['keys', 'derive', '--store', 's017', '--key-version', 'v9'], env)).code).toBe(64);
    expect((await runCli(['keys', 'derive', '--store', 'S-17'], env)).code).toBe(64);
    const none = await runCli(['keys', 'derive', '--store', 's017'], { LOG_LEVEL: 'silent' });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('SIGNING_MASTER_KEYS');
  });
});
