import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDocument } from './document-store.ts';
import { ACCOUNTS, call, DRUGS, login, saleInvoice } from './test-support.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'national-mock-main-'));
const files = {
  accounts: join(dir, 'accounts.json'),
  drugs: join(dir, 'drugs.json'),
  state: join(dir, 'state.json'),
};
const env = {
  LOG_LEVEL: 'info',
  OPS_PORT: '0',
  NATIONAL_MOCK_PORT: '0',
  NATIONAL_MOCK_ACCOUNTS_FILE: files.accounts,
  NATIONAL_MOCK_DRUGS_FILE: files.drugs,
  NATIONAL_MOCK_STATE_FILE: files.state,
  NATIONAL_MOCK_CONTROL_TOKEN: 'demo-control-token',
  NATIONAL_MOCK_SEED: '7',
};
let proc: ServiceProcess | undefined;

beforeAll(() => {
  writeFileSync(files.accounts, JSON.stringify({ accounts: ACCOUNTS }));
  writeFileSync(files.drugs, JSON.stringify(DRUGS.map((ma_thuoc) => ({ ma_thuoc, ten_thuoc: ma_thuoc }))));
});
afterAll(async () => {
  await proc?.kill9();
  rmSync(dir, { recursive: true, force: true });
});

describe('main.ts (npm run national-pharmacy-mock)', () => {
  it('serves the API, /metrics, /readyz and the control API; shuts down gracefully and leaves the state file', async () => {
    proc = await ServiceProcess.start(MAIN, env);
    const url = String(proc.findLog((l) => typeof l.url === 'string')!.url);
    const opsPort = proc.ports.find((p) => p !== Number(new URL(url).port))!;

    const token = await login(url, 'nhathuoc1', 'secret-1');
    const a = await call(url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-M1'), token });
    expect(a.status).toBe(200);

    const faults = await call(`${url}/_mock`, 'PUT', '/faults', {
      body: { seed: 1, timeoutRate: 1, timeoutMs: 10 },
      token: 'demo-control-token',
    });
    expect(faults.status).toBe(200);
    await expect(
      call(url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-M2'), token }),
    ).rejects.toThrow();

    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    expect(metrics).toMatch(/retail_national_mock_requests_total\{[^}]*endpoint="POST hoa_don"[^}]*\} 2/);
    expect(metrics).toMatch(/retail_national_mock_faults_total\{[^}]*kind="timeout"[^}]*\} 1/);
    expect((await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status).toBe(200);

    expect(await proc.stop(10_000)).toBe(0);
    const state = JSON.parse(readFileSync(files.state, 'utf8')) as { documents: StoredDocument[] };
    expect(state.documents.map((d) => d.ma).sort()).toEqual(['HD-M1', 'HD-M2']);
  });

  it('exits 78 naming every missing setting', async () => {
    const p = new ServiceProcess(MAIN, { LOG_LEVEL: 'info' });
    expect(await p.exited).toBe(78);
    // 'exit' can come before the last of stderr: wait for the pipes to close.
    if (!p.child.stderr!.closed) await new Promise((r) => p.child.once('close', r));
    expect(p.output).toContain('NATIONAL_MOCK_ACCOUNTS_FILE');
    expect(p.output).toContain('NATIONAL_MOCK_DRUGS_FILE');
  });
});
