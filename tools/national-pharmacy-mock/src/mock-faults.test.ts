import { waitFor } from '@retail-stream/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startNationalPharmacyMock, type NationalPharmacyMock } from './start-mock.ts';
import { ACCOUNTS, call, DRUGS, login, saleInvoice } from './test-support.ts';

let mock: NationalPharmacyMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const start = async (opts: Partial<Parameters<typeof startNationalPharmacyMock>[0]> = {}) =>
  (mock = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS, ...opts }));

describe('timeouts that still commit', () => {
  it('stores the invoice, never answers, destroys the socket; a GET afterwards finds it', async () => {
    const m = await start();
    const token = await login(m.url, 'nhathuoc1', 'secret-1');
    m.setFaults({ seed: 1, timeoutRate: 1, timeoutMs: 50, scope: ['write'] });
    await expect(
      call(m.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-TO'), token }),
    ).rejects.toThrow();
    expect(m.stats().responses).toMatchObject({ timeout: 1 });
    expect(m.stats().faults).toEqual({ timeout: 1 });
    // GET is outside the fault scope: the client's read-back finds the document it could not confirm.
    const g = await call(m.url, 'GET', '/api/lien_thong/hoa_don/HNI-0001/HD-TO', { token });
    expect(g.status).toBe(200);
    expect(g.body.ma_hoa_don_quoc_gia).toBe(m.document('hoa_don', 'HNI-0001', 'HD-TO')!.national_id);
    // A blind retry is refused as a duplicate: exactly one document.
    m.setFaults({});
    const retry = await call(m.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-TO'), token });
    expect(retry.status).toBe(409);
    expect(m.documents({ kind: 'hoa_don' })).toHaveLength(1);
  });

  it('commits even when the client gives up first; close() drops held sockets at once', async () => {
    const m = await start();
    const token = await login(m.url, 'nhathuoc1', 'secret-1');
    m.setFaults({ timeoutRate: 1, timeoutMs: 600_000, scope: ['write', 'delete'] });
    await expect(
      call(m.url, 'POST', '/api/lien_thong/hoa_don', {
        body: saleInvoice('HD-AB'),
        token,
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(m.document('hoa_don', 'HNI-0001', 'HD-AB')).toMatchObject({ deleted: false });
    await expect(
      call(m.url, 'DELETE', '/api/lien_thong/hoa_don/HNI-0001/HD-AB', {
        token,
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(m.document('hoa_don', 'HNI-0001', 'HD-AB')).toMatchObject({ deleted: true });
    expect(m.heldResponses()).toBe(2);
    const t0 = Date.now();
    await m.close();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(m.heldResponses()).toBe(0);
  });
});

describe('slow requests (a busy backend)', () => {
  it('stores the invoice only after slowMs: the client gave up, a read-back in between finds nothing', async () => {
    const m = await start();
    const token = await login(m.url, 'nhathuoc1', 'secret-1');
    m.setFaults({ slowRate: 1, slowMs: 2_000, scope: ['write'] });
    const sentAt = Date.now();
    await expect(
      call(m.url, 'POST', '/api/lien_thong/hoa_don', {
        body: saleInvoice('HD-SLOW'),
        token,
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    // Reads are outside the scope: answered at once, and the invoice is not there yet.
    const early = await call(m.url, 'GET', '/api/lien_thong/hoa_don/HNI-0001/HD-SLOW', { token });
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    expect(early.status).toBe(404);
    const stored = await waitFor(() => m.document('hoa_don', 'HNI-0001', 'HD-SLOW'), {
      timeoutMs: 10_000,
      what: 'the slow invoice stored',
    });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2_000);
    expect(stored).toMatchObject({ deleted: false, duplicate_refusals: 0 });
    expect(m.stats().faults).toEqual({ slow: 1 });
  });
});

describe('timeouts that do not commit', () => {
  it('drops the request before processing: no answer, nothing stored', async () => {
    const m = await start({
      faults: { timeoutRate: 1, timeoutMs: 20, timeoutCommits: false, scope: ['write'] },
    });
    const token = await login(m.url, 'nhathuoc1', 'secret-1');
    await expect(
      call(m.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-LOST'), token }),
    ).rejects.toThrow();
    expect(m.documents()).toHaveLength(0);
    const g = await call(m.url, 'GET', '/api/lien_thong/hoa_don/HNI-0001/HD-LOST', { token });
    expect(g.status).toBe(404);
    expect(m.stats().responses.timeout).toBe(1);
  });
});

describe('429 and 5xx', () => {
  it('429 carries Retry-After and stores nothing', async () => {
    const m = await start({ faults: { rateLimitRate: 1, retryAfterS: 7, scope: ['write'] } });
    const token = await login(m.url, 'nhathuoc1', 'secret-1');
    const a = await call(m.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-429'), token });
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(a.body).toEqual({ code: 429, message: expect.any(String) });
    expect(m.documents()).toHaveLength(0);
  });

  it('5xx answers come in turn: 500 JSON in the endpoint’s shape, 502/503/504 nginx HTML; nothing stored', async () => {
    const m = await start({ faults: { errorRate: 1, scope: ['write'] } });
    const token = await login(m.url, 'nhathuoc1', 'secret-1');
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await call(m.url, 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice(`HD-5-${i}`), token }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([500, 502, 503, 504]);
    expect(answers[0]!.body).toEqual({ code: 500, mess: expect.any(String) });
    expect(answers[1]!.headers.get('content-type')).toMatch(/text\/html/);
    expect(answers[1]!.text).toContain('502 Bad Gateway');
    expect(m.documents()).toHaveLength(0);
    expect(m.stats().faults).toEqual({ error: 4 });
  });
});

describe('maintenance', () => {
  it('answers 503 to everything (login too) while on, then serves again', async () => {
    const m = await start({ faults: { maintenance: true } });
    const a = await call(m.url, 'POST', '/api/tai_khoan/dang_nhap', {
      body: { usr: 'nhathuoc1', pwd: 'secret-1' },
    });
    expect(a.status).toBe(503);
    expect(a.body).toEqual({ code: 503, message: 'Hệ thống đang bảo trì, vui lòng thử lại sau' });
    m.setFaults({});
    expect(await login(m.url, 'nhathuoc1', 'secret-1')).toBeTruthy();
  });

  it('a window answers 503 with the seconds left as Retry-After', async () => {
    let now = Date.parse('2026-12-06T02:00:30Z');
    const m = await start({
      now: () => now,
      faults: { maintenanceWindows: [{ from: '2026-12-06T02:00:00Z', to: '2026-12-06T02:02:00Z' }] },
    });
    const a = await call(m.url, 'POST', '/api/tai_khoan/dang_nhap', {
      body: { usr: 'nhathuoc1', pwd: 'secret-1' },
    });
    expect(a.status).toBe(503);
    expect(a.headers.get('retry-after')).toBe('90');
    now = Date.parse('2026-12-06T02:02:00Z');
    expect(await login(m.url, 'nhathuoc1', 'secret-1')).toBeTruthy();
  });
});

describe('latency', () => {
  it('delays every request by the fixed latency', async () => {
    const m = await start({ faults: { latencyMs: 120 } });
    const t0 = performance.now();
    await login(m.url, 'nhathuoc1', 'secret-1');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });
});

describe('determinism', () => {
  // What the sync service's test runs: 30% 5xx, 10% timeouts, 5% 429, seeded.
  const faults = {
    seed: 2026,
    errorRate: 0.3,
    timeoutRate: 0.1,
    rateLimitRate: 0.05,
    timeoutMs: 0,
    scope: ['write' as const],
  };

  const run = async () => {
    const m = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS, faults });
    try {
      const token = await login(m.url, 'nhathuoc1', 'secret-1');
      const statuses: (number | 'timeout')[] = [];
      for (let i = 0; i < 60; i++) {
        try {
          const a = await call(m.url, 'POST', '/api/lien_thong/hoa_don', {
            body: saleInvoice(`HD-${i}`),
            token,
          });
          statuses.push(a.status);
        } catch {
          statuses.push('timeout');
        }
      }
      return {
        statuses,
        stats: m.stats(),
        stored: m
          .documents()
          .map((d) => d.ma)
          .sort(),
      };
    } finally {
      await m.close();
    }
  };

  it('the same seed gives the same answers, counts and stored documents', async () => {
    const a = await run();
    const b = await run();
    expect(a.statuses).toEqual(b.statuses);
    expect(a.stats.faults).toEqual(b.stats.faults);
    expect(a.stored).toEqual(b.stored);
    const n = (s: number | 'timeout') => a.statuses.filter((x) => x === s).length;
    expect(n('timeout')).toBe(a.stats.faults.timeout);
    expect(n(429)).toBe(a.stats.faults['rate-limit']);
    // Timeouts committed: stored = answered 200 + timed out.
    expect(a.stored).toHaveLength(n(200) + n('timeout'));
  });
});
