import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { tolerateDroppedConnections } from '@retail-stream/runtime/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySchema, PACKAGE_DIR, PG_URL, REPO_ROOT, uniqueStoreId } from '../test/harness.ts';
import { findKey, parseKey, secretMatches } from './api-keys.ts';
import { gatewayPool, prepareDatabase } from './db.ts';
import { runKeysCommand } from './keys-commands.ts';

const CLI = path.join(PACKAGE_DIR, 'src', 'keys-cli.ts');
const { name: schema, drop: dropSchema } = gatewaySchema();
let pool: pg.Pool;

beforeAll(async () => {
  pool = tolerateDroppedConnections(gatewayPool(PG_URL, schema, { max: 2 }));
  await prepareDatabase(pool, schema);
});
afterAll(async () => {
  await pool?.end();
  await dropSchema();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKeysCommand(argv, pool, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('keys CLI', () => {
  it('as a process: issue prints only the key on stdout; the database holds only its hash', async () => {
    const storeId = uniqueStoreId('c');
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', CLI, 'issue', '--store', storeId],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', PG_URL, GATEWAY_PG_SCHEMA: schema },
      },
    );
    const key = stdout.trim();
    const parsed = parseKey(key)!;
    expect(parsed).toBeDefined();
    expect(stderr).toContain('only time the key is shown');
    const stored = await findKey(pool, parsed.keyId);
    expect(stored).toMatchObject({ storeId, revokedAt: null });
    expect(secretMatches(parsed.secret, stored!.secretSha256)).toBe(true);
    const { rows } = await pool.query<{ t: string }>(
      'SELECT row_to_json(k)::text AS t FROM ingest_api_keys k WHERE key_id = $1',
      [parsed.keyId],
    );
    expect(rows[0]!.t).not.toContain(parsed.secret);
  });

  it('list, revoke (idempotent), unknown key', async () => {
    const storeId = uniqueStoreId('c');
    const first = await run('issue', '--store', storeId);
    const second = await run('issue', '--store', storeId);
    const ids = [first, second].map((r) => parseKey(r.out[0]!)!.keyId);

    const listed = await run('list', '--store', storeId, '--json');
    expect(
      (JSON.parse(listed.out[0]!) as { keyId: string; revokedAt: string | null }[]).map((k) => [
        k.keyId,
        k.revokedAt,
      ]),
    ).toEqual([
      [ids[0], null],
      [ids[1], null],
    ]);
    const table = await run('list', '--store', storeId);
    expect(table.out).toHaveLength(3);
    expect(table.out.join('\n')).not.toMatch(/rsk_/);

    expect(await run('revoke', '--key-id', ids[0]!)).toMatchObject({ code: 0, out: [`revoked ${ids[0]}`] });
    expect(await run('revoke', '--key-id', ids[0]!)).toMatchObject({
      code: 0,
      out: [`${ids[0]} was already revoked`],
    });
    expect((await run('revoke', '--key-id', 'ffffffffffffffff')).code).toBe(1);
    const after = JSON.parse((await run('list', '--store', storeId, '--json')).out[0]!) as {
      revokedAt: string | null;
    }[];
    expect(after.map((k) => k.revokedAt !== null)).toEqual([true, false]);
  });

  it('cursor: show and set', async () => {
    const storeId = uniqueStoreId('c');
    expect((await run('cursor', '--store', storeId)).out).toEqual([
      `${storeId} last_seq 0 (nothing received yet)`,
    ]);
    expect((await run('cursor', '--store', storeId, '--set', '120')).out).toEqual([
      `${storeId} last_seq 0 -> 120`,
    ]);
    expect((await run('cursor', '--store', storeId, '--set', '150')).out).toEqual([
      `${storeId} last_seq 120 -> 150`,
    ]);
    expect((await run('cursor', '--store', storeId)).out).toEqual([`${storeId} last_seq 150`]);
  });

  it('usage errors exit 64', async () => {
    expect((await run()).code).toBe(64);
    expect((await run('issue')).code).toBe(64);
    expect((await run('issue', '--store', 'Bad Store')).code).toBe(64);
    expect((await run('issue', '--shop', 's1')).code).toBe(64);
    expect((await run('cursor', '--store', 's1', '--set', '-1')).code).toBe(64);
    expect((await run('frobnicate')).err[0]).toMatch(/^unknown command 'frobnicate'\nusage: keys-cli/);
  });
});
