import { describe, expect, it } from 'vitest';
import { kindOf, parseAnswer, parseRetryAfter } from './authority-answer.ts';

const answer = (status: number, body: unknown, retryAfter: string | null = null) =>
  parseAnswer(status, typeof body === 'string' ? body : JSON.stringify(body), retryAfter);

describe('authority answers', () => {
  it('accept code as a number or a string, mess or message, the national id by document type', () => {
    const a = answer(200, { code: '200', mess: 'Thành công', ma_hoa_don_quoc_gia: 'HD-1' });
    expect([a.code, a.message, a.nationalId, kindOf(a)]).toEqual([200, 'Thành công', 'HD-1', 'ok']);
    const b = answer(200, { code: 200, message: 'OK', ma_phieu_nhap_quoc_gia: 'PN-9' });
    expect([b.code, b.message, b.nationalId, kindOf(b)]).toEqual([200, 'OK', 'PN-9', 'ok']);
    expect(answer(200, { code: 200, data: { ma_phieu_xuat_quoc_gia: 'PX-3' } }).nationalId).toBe('PX-3');
  });
  it('classify what to do', () => {
    expect(kindOf(answer(401, { code: 401, mess: 'Token hết hạn' }))).toBe('unauthorized');
    expect(kindOf(answer(200, { code: '401' }))).toBe('unauthorized');
    expect(kindOf(answer(429, { code: 429 }, '2'))).toBe('throttled');
    expect(kindOf(answer(503, 'maintenance'))).toBe('unavailable');
    expect(kindOf(answer(200, { code: 500, mess: 'Lỗi hệ thống' }))).toBe('unavailable');
    expect(kindOf(answer(404, { code: 404, mess: 'Không tìm thấy' }))).toBe('not_found');
    expect(kindOf(answer(409, { code: 409 }))).toBe('duplicate');
    expect(kindOf(answer(400, { code: 400, mess: 'Hóa đơn đã tồn tại' }))).toBe('duplicate');
    expect(kindOf(answer(400, { code: 400, mess: 'Mã thuốc không tồn tại trong danh mục' }))).toBe(
      'rejected',
    );
    expect(kindOf(answer(200, { code: '422', message: 'Ngày bán sai định dạng' }))).toBe('rejected');
  });
  it('Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeNull();
  });
});
