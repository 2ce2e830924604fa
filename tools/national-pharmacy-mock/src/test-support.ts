/**
 * Helpers for this package's tests (not exported): a tiny client of the mock over real HTTP and
 * sample documents with the real field names.
 */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON (nginx pages). */
  body: Record<string, unknown> & { code?: unknown; mess?: unknown; message?: unknown };
  text: string;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; raw?: string; signal?: AbortSignal } = {},
): Promise<Answer> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    signal: opts.signal,
  });
  const text = await res.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = {};
  }
  return { status: res.status, headers: res.headers, body, text };
}

export async function login(baseUrl: string, usr: string, pwd: string): Promise<string> {
  const a = await call(baseUrl, 'POST', '/api/tai_khoan/dang_nhap', { body: { usr, pwd } });
  if (a.status !== 200) throw new Error(`login ${usr}: ${a.status} ${a.text}`);
  return (a.body.data as { token: string }).token;
}

export const ACCOUNTS = [
  { ma_co_so: 'HNI-0001', usr: 'nhathuoc1', pwd: 'secret-1' },
  { ma_co_so: 'HNI-0002', usr: 'nhathuoc2', pwd: 'secret-2' },
];
export const DRUGS = ['VD-12345-20', 'VN-98765-19', 'QLĐB-555-16'];

export function saleInvoice(ma: string, maCoSo = 'HNI-0001'): Record<string, unknown> {
  return {
    ma_hoa_don: ma,
    ma_co_so: maCoSo,
    ma_don_thuoc_quoc_gia: '',
    ngay_ban: '20261206',
    ho_ten_nguoi_ban: 'Nguyễn Văn A',
    ho_ten_khach_hang: 'Khách lẻ',
    hoa_don_chi_tiet: [
      {
        ma_thuoc: 'VD-12345-20',
        ten_thuoc: 'Paracetamol 500mg',
        so_lo: 'L2301',
        ngay_san_xuat: '20250101',
        han_dung: '20271231',
        don_vi_tinh: 'Viên',
        ham_luong: '500mg',
        duong_dung: 'Uống',
        lieu_dung: '2 viên/ngày',
        so_dang_ky: 'VD-12345-20',
        so_luong: 20,
        don_gia: 1500,
        thanh_tien: 30000,
        ty_le_quy_doi: 1,
      },
    ],
  };
}

export function stockLine(): Record<string, unknown> {
  return {
    ma_thuoc: 'VN-98765-19',
    ten_thuoc: 'Amoxicillin 250mg',
    so_lo: 'A77',
    ngay_san_xuat: '20250315',
    han_dung: '20270315',
    so_dklh: 'VN-98765-19',
    so_luong: 100,
    don_gia: 2000,
    don_vi_tinh: 'Viên',
  };
}

export function importReceipt(ma: string, loai = 1, maCoSo = 'HNI-0001'): Record<string, unknown> {
  return {
    ma_phieu: ma,
    ma_co_so: maCoSo,
    ngay_nhap: '20261205',
    loai_phieu_nhap: loai,
    ghi_chu: 'Nhập từ nhà cung cấp',
    ten_co_so_cung_cap: 'Công ty Dược ABC',
    chi_tiet: [stockLine()],
  };
}

export function exportSlip(ma: string, loai = 3, maCoSo = 'HNI-0001'): Record<string, unknown> {
  return {
    ma_phieu: ma,
    ma_co_so: maCoSo,
    ngay_xuat: '20261206',
    loai_phieu_xuat: loai,
    ghi_chu: 'Xuất hủy thuốc hết hạn',
    ten_co_so_nhan: '',
    chi_tiet: [stockLine()],
  };
}
