import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, uniqueName } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { storeDatabaseName } from './db/store-database.ts';
import { hashToken } from './terminal-auth.ts';
import { PG_URL } from '../test/harness.ts';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

/** Runs main.ts to its exit with a complete environment but the given payment provider setting. */
async function runMain(provider: Record<string, string>) {
  const storeId = uniqueName('pp').replace(/-/g, '_');
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    // Only what the edge needs (nothing of the test process's environment leaks in).
    env: {
      PATH: process.env.PATH,
      STORE_ID: storeId,
      PG_URL,
      EDGE_PORT: String(port),
      EDGE_TERMINAL_TOKENS: `T1:${hashToken('t'.repeat(32))}`,
      EDGE_CUSTOMER_HMAC_KEY: 'k'.repeat(32),
      EDGE_QR_CALLBACK_SECRET: 'q'.repeat(16),
      LOG_LEVEL: 'info',
      ...provider,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const served = await fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => true,
    () => false,
  );
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [storeDatabaseName(storeId)]);
  await admin.end();
  return { code, stdout, stderr, served, databaseCreated: db.rowCount === 1 };
}

/**
 * No fakes in production: the store edge's entry point started without EDGE_PAYMENT_PROVIDER (or
 * with a provider that does not exist) exits with a config error before it creates its database
 * or opens its port. (With `fake` it starts and sells: main.int.test.ts.)
 */
describe('store edge without an explicit payment provider', () => {
  it('exits 78 naming EDGE_PAYMENT_PROVIDER, serves nothing and creates nothing', async () => {
    const r = await runMain({});
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/EDGE_PAYMENT_PROVIDER: required \(no default\).*only `fake` exists/);
    expect(r.stdout).not.toContain('http listening');
    expect(r.served).toBe(false);
    expect(r.databaseCreated).toBe(false);
  });

  it('exits 78 for a provider that does not exist, explaining that only the fake does', async () => {
    const r = await runMain({ EDGE_PAYMENT_PROVIDER: 'momo' });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/EDGE_PAYMENT_PROVIDER: unknown payment provider "momo": only `fake` exists/);
    expect(r.served).toBe(false);
    expect(r.databaseCreated).toBe(false);
  });
});
