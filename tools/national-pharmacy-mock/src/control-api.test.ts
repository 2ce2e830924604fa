import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStateFile, type StoredDocument } from './document-store.ts';
import type { MockStats } from './mock-stats.ts';
import { startNationalPharmacyMock, type NationalPharmacyMock } from './start-mock.ts';
import { ACCOUNTS, call, DRUGS, login, saleInvoice } from './test-support.ts';

const CONTROL = 'control-token-for-tests';
let mock: NationalPharmacyMock;
const control = (method: string, path: string, body?: unknown, token = CONTROL) =>
  call(mock.controlUrl!, method, path, { body, token });

beforeAll(async () => {
  mock = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS, controlToken: CONTROL });
});
afterAll(() => mock.close());

describe('control API', () => {
  it('refuses calls without its token or with another one, in our error body', async () => {
    expect(mock.controlUrl).toBe(`${mock.url}/_mock`);
    for (const token of [undefined, 'wrong-token', await login(mock.url, 'nhathuoc1', 'secret-1')]) {
      const a = await call(mock.controlUrl!, 'GET', '/documents', { token });
      expect(a.status).toBe(401);
      expect(a.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String), field: null } });
    }
    const put = await call(mock.controlUrl!, 'PUT', '/faults', { body: { maintenance: true } });
    expect(put.status).toBe(401);
    expect(mock.faults().maintenance).toBe(false);
  });

  it('lists documents (filtered) and stats', async () => {
    const token = await login(mock.url, 'nhathuoc1', 'secret-1');
    await call(mock.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-C1'), token });
    await call(mock.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-C2'), token });
    await call(mock.url, 'DELETE', '/api/lien_thong/hoa_don/HNI-0001/HD-C2', { token });
    const all = await control('GET', '/documents?kind=hoa_don&ma_co_so=HNI-0001');
    const docs = all.body.documents as StoredDocument[];
    expect(docs.map((d) => [d.ma, d.deleted])).toEqual([
      ['HD-C1', false],
      ['HD-C2', true],
    ]);
    expect(docs[0]!.national_id).toMatch(/^HD/);
    const deleted = await control('GET', '/documents?deleted=true');
    expect((deleted.body.documents as StoredDocument[]).map((d) => d.ma)).toEqual(['HD-C2']);
    const bad = await control('GET', '/documents?kind=don_thuoc');
    expect(bad.status).toBe(400);
    const stats = (await control('GET', '/stats')).body as unknown as MockStats;
    expect(stats.logins['HNI-0001']!.ok).toBeGreaterThanOrEqual(2);
    expect(stats.byAccount['HNI-0001']!['DELETE hoa_don']).toBe(1);
  });

  it('replaces faults at runtime and refuses invalid ones', async () => {
    const put = await control('PUT', '/faults', { rateLimitRate: 1, retryAfterS: 3, seed: 5 });
    expect(put.status).toBe(200);
    expect(mock.faults()).toMatchObject({ rateLimitRate: 1, retryAfterS: 3, seed: 5 });
    const limited = await call(mock.url, 'POST', '/api/tai_khoan/dang_nhap', {
      body: { usr: 'nhathuoc1', pwd: 'secret-1' },
    });
    expect(limited.status).toBe(429);
    expect((await control('GET', '/faults')).body).toMatchObject({ rateLimitRate: 1 });
    const bad = await control('PUT', '/faults', { errorRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'errorRate' } });
    expect((await control('PUT', '/faults', {})).status).toBe(200);
    expect(mock.faults().rateLimitRate).toBe(0);
  });

  it('expires tokens on demand and resets', async () => {
    const token = await login(mock.url, 'nhathuoc2', 'secret-2');
    const e = await control('POST', '/tokens/expire', { ma_co_so: 'HNI-0002' });
    expect(e.body.expired).toBeGreaterThanOrEqual(1);
    expect((await call(mock.url, 'GET', '/api/lien_thong/hoa_don/HNI-0002/X', { token })).status).toBe(401);
    expect((await control('POST', '/reset')).status).toBe(200);
    expect(mock.documents()).toEqual([]);
    expect(mock.stats().requests).toEqual({});
  });

  it('is not served without a control token', async () => {
    const m = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS });
    try {
      expect(m.controlUrl).toBeUndefined();
      expect((await call(m.url, 'GET', '/_mock/documents', { token: 'anything' })).status).toBe(404);
    } finally {
      await m.close();
    }
  });
});

describe('state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'national-mock-'));
  const stateFile = join(dir, 'state.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps accepted documents in the file and reads them back at start', async () => {
    const first = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS, stateFile });
    const token = await login(first.url, 'nhathuoc1', 'secret-1');
    const a = await call(first.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-S1'), token });
    await first.close();
    const state = readStateFile(stateFile);
    expect(state.documents).toEqual([
      expect.objectContaining({
        kind: 'hoa_don',
        ma: 'HD-S1',
        national_id: a.body.ma_hoa_don_quoc_gia,
        deleted: false,
      }),
    ]);

    const second = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS, stateFile });
    try {
      const t2 = await login(second.url, 'nhathuoc1', 'secret-1');
      const dup = await call(second.url, 'POST', '/api/lien_thong/hoa_don', {
        body: saleInvoice('HD-S1'),
        token: t2,
      });
      expect(dup.status).toBe(409);
      const next = await call(second.url, 'POST', '/api/lien_thong/hoa_don', {
        body: saleInvoice('HD-S2'),
        token: t2,
      });
      expect(next.body.ma_hoa_don_quoc_gia).not.toBe(a.body.ma_hoa_don_quoc_gia);
    } finally {
      await second.close();
    }
  });

  it('readStateFile refuses a file that is not the mock’s', () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"documents": 3}');
    expect(() => readStateFile(other)).toThrow(/not a national pharmacy mock state file/);
  });
});

describe('options', () => {
  it('refuses options without accounts or drugs, naming them', async () => {
    await expect(startNationalPharmacyMock({ drugs: DRUGS })).rejects.toThrow(/accounts/);
    await expect(
      startNationalPharmacyMock({
        accounts: [...ACCOUNTS, { ma_co_so: 'HNI-0001', usr: 'z', pwd: 'z' }],
        drugs: DRUGS,
      }),
    ).rejects.toThrow(/duplicate ma_co_so/);
  });
});
