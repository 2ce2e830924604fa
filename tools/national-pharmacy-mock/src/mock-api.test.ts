import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNationalPharmacyMock, type NationalPharmacyMock } from './start-mock.ts';
import { ACCOUNTS, call, DRUGS, exportSlip, importReceipt, login, saleInvoice } from './test-support.ts';

let mock: NationalPharmacyMock;
let token1: string;
let token2: string;
const url = () => mock.url;

beforeAll(async () => {
  mock = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS });
  token1 = await login(url(), 'nhathuoc1', 'secret-1');
  token2 = await login(url(), 'nhathuoc2', 'secret-2');
});
afterAll(() => mock.close());

describe('login', () => {
  it('answers {code, message, data: {token, token_type}} and counts logins per account', async () => {
    const before = mock.stats().logins['HNI-0001']?.ok ?? 0;
    const a = await call(url(), 'POST', '/api/tai_khoan/dang_nhap', {
      body: { usr: 'nhathuoc1', pwd: 'secret-1' },
    });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ code: 200, message: expect.any(String), data: { token_type: 'bearer' } });
    expect((a.body.data as { token: string }).token).toMatch(/^\S{20,}$/);
    expect(mock.stats().logins['HNI-0001']!.ok).toBe(before + 1);
  });

  it('refuses a wrong password with 401 and a missing field with 400, data null', async () => {
    const wrong = await call(url(), 'POST', '/api/tai_khoan/dang_nhap', {
      body: { usr: 'nhathuoc1', pwd: 'x' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 401, message: expect.any(String), data: null });
    expect(mock.stats().logins['HNI-0001']!.refused).toBe(1);
    const missing = await call(url(), 'POST', '/api/tai_khoan/dang_nhap', { body: { usr: 'nhathuoc1' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 400, data: null });
  });
});

describe('hoa_don (number code, mess)', () => {
  it('POST stores the invoice and answers ma_hoa_don_quoc_gia; GET reads it back field by field', async () => {
    const invoice = saleInvoice('HD-0001');
    const a = await call(url(), 'POST', '/api/lien_thong/hoa_don', { body: invoice, token: token1 });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ code: 200, mess: expect.any(String), ma_hoa_don_quoc_gia: expect.any(String) });
    const nationalId = a.body.ma_hoa_don_quoc_gia as string;

    const stored = mock.document('hoa_don', 'HNI-0001', 'HD-0001')!;
    expect(stored).toMatchObject({ national_id: nationalId, deleted: false, versions: 1, body: invoice });

    const g = await call(url(), 'GET', '/api/lien_thong/hoa_don/HNI-0001/HD-0001', { token: token1 });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ code: 200, ma_hoa_don_quoc_gia: nationalId, da_huy: false });
    expect(g.body.data).toEqual({ ...invoice, ma_hoa_don_quoc_gia: nationalId, da_huy: false });
  });

  it('refuses a duplicate ma_hoa_don for the same ma_co_so with 409 and counts the refusal', async () => {
    await call(url(), 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-DUP'), token: token1 });
    const again = await call(url(), 'POST', '/api/lien_thong/hoa_don', {
      body: saleInvoice('HD-DUP'),
      token: token1,
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: 409, mess: 'Hóa đơn HD-DUP đã tồn tại trên hệ thống' });
    expect(
      mock.documents({ kind: 'hoa_don', ma_co_so: 'HNI-0001' }).filter((d) => d.ma === 'HD-DUP'),
    ).toHaveLength(1);
    expect(mock.document('hoa_don', 'HNI-0001', 'HD-DUP')!.duplicate_refusals).toBe(1);
    // The same number at another pharmacy is another document.
    const other = await call(url(), 'POST', '/api/lien_thong/hoa_don', {
      body: saleInvoice('HD-DUP', 'HNI-0002'),
      token: token2,
    });
    expect(other.status).toBe(200);
  });

  it('PUT updates and keeps the national id; PUT of an unknown invoice is 404', async () => {
    const created = await call(url(), 'POST', '/api/lien_thong/hoa_don', {
      body: saleInvoice('HD-PUT'),
      token: token1,
    });
    const changed = { ...saleInvoice('HD-PUT'), ho_ten_khach_hang: 'Trần Thị B' };
    const put = await call(url(), 'PUT', '/api/lien_thong/hoa_don', { body: changed, token: token1 });
    expect(put.status).toBe(200);
    expect(put.body.ma_hoa_don_quoc_gia).toBe(created.body.ma_hoa_don_quoc_gia);
    expect(mock.document('hoa_don', 'HNI-0001', 'HD-PUT')).toMatchObject({ versions: 2, body: changed });
    const unknown = await call(url(), 'PUT', '/api/lien_thong/hoa_don', {
      body: saleInvoice('HD-NONE'),
      token: token1,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 404, mess: 'Hóa đơn HD-NONE không tồn tại' });
  });

  it('DELETE voids ({code: "200", mess}); GET still finds it with da_huy; a second DELETE and PUT are refused', async () => {
    await call(url(), 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-DEL'), token: token1 });
    const d = await call(url(), 'DELETE', '/api/lien_thong/hoa_don/HNI-0001/HD-DEL', { token: token1 });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({ code: '200', mess: expect.any(String) });
    expect(mock.document('hoa_don', 'HNI-0001', 'HD-DEL')).toMatchObject({
      deleted: true,
      deleted_at: expect.any(String),
    });
    const g = await call(url(), 'GET', '/api/lien_thong/hoa_don/HNI-0001/HD-DEL', { token: token1 });
    expect(g.body).toMatchObject({ code: 200, da_huy: true });
    const again = await call(url(), 'DELETE', '/api/lien_thong/hoa_don/HNI-0001/HD-DEL', { token: token1 });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ code: '400', mess: 'Hóa đơn HD-DEL đã được hủy trước đó' });
    const put = await call(url(), 'PUT', '/api/lien_thong/hoa_don', {
      body: saleInvoice('HD-DEL'),
      token: token1,
    });
    expect(put.status).toBe(400);
  });

  it('DELETE and GET of an unknown document answer 404 in their shapes', async () => {
    const d = await call(url(), 'DELETE', '/api/lien_thong/hoa_don/HNI-0001/NOPE', { token: token1 });
    expect(d.status).toBe(404);
    expect(d.body).toEqual({ code: '404', mess: 'Hóa đơn NOPE không tồn tại' });
    const g = await call(url(), 'GET', '/api/lien_thong/hoa_don/HNI-0001/NOPE', { token: token1 });
    expect(g.status).toBe(404);
    expect(g.body).toEqual({ code: 404, mess: 'Không tìm thấy hóa đơn NOPE' });
  });
});

describe('phieu_nhap (string code, message)', () => {
  it.each([1, 2, 3])(
    'POST loai_phieu_nhap %i answers ma_phieu_nhap_quoc_gia and GET reads it back',
    async (loai) => {
      const receipt = importReceipt(`PN-${loai}`, loai);
      const a = await call(url(), 'POST', '/api/lien_thong/phieu_nhap', { body: receipt, token: token1 });
      expect(a.status).toBe(200);
      expect(a.body).toEqual({
        code: '200',
        message: expect.any(String),
        ma_phieu_nhap_quoc_gia: expect.any(String),
      });
      const g = await call(url(), 'GET', `/api/lien_thong/phieu_nhap/HNI-0001/PN-${loai}`, { token: token1 });
      expect(g.body).toMatchObject({
        code: '200',
        data: { ...receipt, ma_phieu_nhap_quoc_gia: a.body.ma_phieu_nhap_quoc_gia },
      });
    },
  );

  it('refuses loai_phieu_nhap 4, PUT updates, DELETE voids', async () => {
    const bad = await call(url(), 'POST', '/api/lien_thong/phieu_nhap', {
      body: importReceipt('PN-X', 4),
      token: token1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: '400', message: 'loai_phieu_nhap không hợp lệ (chỉ nhận 1, 2, 3)' });
    const put = await call(url(), 'PUT', '/api/lien_thong/phieu_nhap', {
      body: { ...importReceipt('PN-1', 1), ghi_chu: 'sửa' },
      token: token1,
    });
    expect(put.body).toMatchObject({ code: '200' });
    const del = await call(url(), 'DELETE', '/api/lien_thong/phieu_nhap/HNI-0001/PN-1', { token: token1 });
    expect(del.body).toEqual({ code: '200', mess: expect.any(String) });
    expect(mock.document('phieu_nhap', 'HNI-0001', 'PN-1')).toMatchObject({ versions: 2, deleted: true });
  });
});

describe('phieu_xuat (number code, message)', () => {
  it('POST, GET, PUT and DELETE an export slip', async () => {
    const slip = exportSlip('PX-1', 3);
    const a = await call(url(), 'POST', '/api/lien_thong/phieu_xuat', { body: slip, token: token1 });
    expect(a.body).toEqual({
      code: 200,
      message: expect.any(String),
      ma_phieu_xuat_quoc_gia: expect.any(String),
    });
    const g = await call(url(), 'GET', '/api/lien_thong/phieu_xuat/HNI-0001/PX-1', { token: token1 });
    expect(g.body).toMatchObject({
      code: 200,
      ma_phieu_xuat_quoc_gia: a.body.ma_phieu_xuat_quoc_gia,
      data: slip,
    });
    const put = await call(url(), 'PUT', '/api/lien_thong/phieu_xuat', {
      body: exportSlip('PX-1', 2),
      token: token1,
    });
    expect(put.body).toMatchObject({ code: 200 });
    const del = await call(url(), 'DELETE', '/api/lien_thong/phieu_xuat/HNI-0001/PX-1', { token: token1 });
    expect(del.body).toMatchObject({ code: '200' });
    const dup = await call(url(), 'POST', '/api/lien_thong/phieu_xuat', { body: slip, token: token1 });
    expect(dup.body).toEqual({ code: 409, message: 'Phiếu xuất PX-1 đã tồn tại trên hệ thống' });
  });
});

describe('validation in the API’s shape', () => {
  const post = (kind: string, body: unknown, token = token1) =>
    call(url(), 'POST', `/api/lien_thong/${kind}`, { body, token });

  it('names every missing field', async () => {
    const a = await post('hoa_don', {
      ma_co_so: 'HNI-0001',
      hoa_don_chi_tiet: [{ ma_thuoc: 'VD-12345-20' }],
    });
    expect(a.status).toBe(400);
    const mess = a.body.mess as string;
    for (const f of [
      'ma_hoa_don',
      'ngay_ban',
      'hoa_don_chi_tiet[0].so_lo',
      'hoa_don_chi_tiet[0].han_dung',
      'hoa_don_chi_tiet[0].so_luong',
    ]) {
      expect(mess).toContain(`Thiếu thông tin ${f}`);
    }
  });

  it('refuses dates not yyyyMMdd (format and calendar)', async () => {
    const a = await post('hoa_don', { ...saleInvoice('HD-D1'), ngay_ban: '2026-12-06' });
    expect(a.body).toEqual({ code: 400, mess: 'ngay_ban không đúng định dạng ngày yyyyMMdd' });
    const b = await post('phieu_nhap', { ...importReceipt('PN-D1'), ngay_nhap: '20260230' });
    expect(b.body).toEqual({ code: '400', message: 'ngay_nhap không đúng định dạng ngày yyyyMMdd' });
  });

  it('refuses non-integer quantities and prices (fractions and strings)', async () => {
    const inv = saleInvoice('HD-N1');
    const line = (inv.hoa_don_chi_tiet as Record<string, unknown>[])[0]!;
    const a = await post('hoa_don', {
      ...inv,
      hoa_don_chi_tiet: [{ ...line, so_luong: 1.5, don_gia: '1500' }],
    });
    expect(a.status).toBe(400);
    expect(a.body.mess).toBe(
      'hoa_don_chi_tiet[0].so_luong phải là số nguyên; hoa_don_chi_tiet[0].don_gia phải là số nguyên',
    );
  });

  it('refuses a drug code not on the national list, naming the line', async () => {
    const slip = exportSlip('PX-U1');
    const a = await post('phieu_xuat', {
      ...slip,
      chi_tiet: [...(slip.chi_tiet as unknown[]), { ...(slip.chi_tiet as object[])[0], ma_thuoc: 'SNACK-1' }],
    });
    expect(a.status).toBe(400);
    expect(a.body).toEqual({
      code: 400,
      message: 'Mã thuốc SNACK-1 không có trong danh mục thuốc quốc gia (chi_tiet[1].ma_thuoc)',
    });
    expect(mock.document('phieu_xuat', 'HNI-0001', 'PX-U1')).toBeUndefined();
  });

  it('refuses an unknown ma_co_so (400) and another account’s (403)', async () => {
    const unknown = await post('hoa_don', saleInvoice('HD-C1', 'NOWHERE'));
    expect(unknown.body).toEqual({ code: 400, mess: 'Mã cơ sở NOWHERE không tồn tại' });
    const other = await post('hoa_don', saleInvoice('HD-C2', 'HNI-0002'));
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ code: 403, mess: expect.stringContaining('HNI-0002') });
    const get = await call(url(), 'GET', '/api/lien_thong/hoa_don/HNI-0002/HD-DUP', { token: token1 });
    expect(get.status).toBe(403);
    const del = await call(url(), 'DELETE', '/api/lien_thong/hoa_don/HNI-0002/HD-DUP', { token: token1 });
    expect(del.body).toEqual({ code: '403', mess: expect.any(String) });
  });

  it('answers 401 without a token or with an unknown one', async () => {
    const none = await call(url(), 'POST', '/api/lien_thong/hoa_don', { body: saleInvoice('HD-T1') });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ code: 401, mess: expect.any(String) });
    const bad = await call(url(), 'GET', '/api/lien_thong/phieu_nhap/HNI-0001/PN-2', { token: 'forged' });
    expect(bad.body).toEqual({ code: '401', message: 'Token không hợp lệ' });
  });

  it('answers unreadable JSON and unknown paths with {code, message}', async () => {
    const a = await call(url(), 'POST', '/api/lien_thong/hoa_don', { raw: '{"ma_hoa_don":', token: token1 });
    expect(a.status).toBe(400);
    expect(a.body).toEqual({ code: 400, message: expect.any(String) });
    const b = await call(url(), 'POST', '/api/lien_thong/don_thuoc', { body: {}, token: token1 });
    expect(b.status).toBe(404);
  });
});

describe('token expiry', () => {
  it('a token answers 401 once its lifetime has passed; a new login works', async () => {
    let now = Date.parse('2026-12-06T08:00:00Z');
    const m = await startNationalPharmacyMock({
      accounts: ACCOUNTS,
      drugs: DRUGS,
      tokenTtlMs: 60_000,
      now: () => now,
    });
    try {
      const t = await login(m.url, 'nhathuoc1', 'secret-1');
      now += 59_999;
      const ok = await call(m.url, 'POST', '/api/lien_thong/hoa_don', {
        body: saleInvoice('HD-E1'),
        token: t,
      });
      expect(ok.status).toBe(200);
      now += 1;
      const expired = await call(m.url, 'POST', '/api/lien_thong/hoa_don', {
        body: saleInvoice('HD-E2'),
        token: t,
      });
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({ code: 401, mess: 'Token đã hết hạn, vui lòng đăng nhập lại' });
      expect(m.document('hoa_don', 'HNI-0001', 'HD-E2')).toBeUndefined();
      const t2 = await login(m.url, 'nhathuoc1', 'secret-1');
      const again = await call(m.url, 'POST', '/api/lien_thong/hoa_don', {
        body: saleInvoice('HD-E2'),
        token: t2,
      });
      expect(again.status).toBe(200);
      expect(m.stats().logins).toEqual({ 'HNI-0001': { ok: 2, refused: 0 } });
    } finally {
      await m.close();
    }
  });

  it('defaults to 30 minutes; expireTokens() ends them at once for one account', async () => {
    let now = 0;
    const m = await startNationalPharmacyMock({ accounts: ACCOUNTS, drugs: DRUGS, now: () => now });
    try {
      const t1 = await login(m.url, 'nhathuoc1', 'secret-1');
      const t2 = await login(m.url, 'nhathuoc2', 'secret-2');
      now = 30 * 60_000 - 1;
      expect((await call(m.url, 'GET', '/api/lien_thong/hoa_don/HNI-0001/X', { token: t1 })).status).toBe(
        404,
      );
      expect(m.expireTokens('HNI-0001')).toBe(1);
      expect((await call(m.url, 'GET', '/api/lien_thong/hoa_don/HNI-0001/X', { token: t1 })).status).toBe(
        401,
      );
      expect((await call(m.url, 'GET', '/api/lien_thong/hoa_don/HNI-0002/X', { token: t2 })).status).toBe(
        404,
      );
      now = 30 * 60_000;
      expect((await call(m.url, 'GET', '/api/lien_thong/hoa_don/HNI-0002/X', { token: t2 })).status).toBe(
        401,
      );
    } finally {
      await m.close();
    }
  });
});

describe('counts', () => {
  it('counts requests per endpoint and per account', () => {
    const s = mock.stats();
    expect(s.requests['POST dang_nhap']).toBeGreaterThanOrEqual(4);
    expect(s.byAccount['HNI-0002']!['POST hoa_don']).toBe(1);
    expect(s.byAccount['HNI-0001']!['DELETE phieu_xuat']).toBe(1);
  });
});
