/**
 * The authority's document bodies, with its field names (see docs/national-pharmacy-sync.md and
 * /work/shared/research/national-pharmacy-api.md): what the mapping produces and the client sends.
 */

export type DocType = 'hoa_don' | 'phieu_nhap' | 'phieu_xuat';
export type Flow = 'sale' | 'import' | 'cancellation';
export type DocOp = 'CREATE' | 'DELETE';

export interface HoaDonChiTiet {
  ma_thuoc: string;
  ten_thuoc: string;
  so_lo: string;
  ngay_san_xuat: string;
  han_dung: string;
  don_vi_tinh: string;
  ham_luong: string;
  duong_dung: string;
  lieu_dung: string;
  so_dang_ky: string;
  so_luong: number;
  don_gia: number;
  thanh_tien: number;
  ty_le_quy_doi: number;
}

export interface HoaDon {
  ma_hoa_don: string;
  ma_co_so: string;
  ma_don_thuoc_quoc_gia: string;
  ngay_ban: string;
  ho_ten_nguoi_ban: string;
  ho_ten_khach_hang: string;
  hoa_don_chi_tiet: HoaDonChiTiet[];
}

export interface PhieuChiTiet {
  ma_thuoc: string;
  ten_thuoc: string;
  so_lo: string;
  ngay_san_xuat: string;
  han_dung: string;
  so_dklh: string;
  so_luong: number;
  don_gia: number;
  don_vi_tinh: string;
}

export interface PhieuNhap {
  ma_phieu: string;
  ma_co_so: string;
  ngay_nhap: string;
  /** 1 supplier, 2 customer return, 3 opening stock. */
  loai_phieu_nhap: 1 | 2 | 3;
  ghi_chu: string;
  ten_co_so_cung_cap: string;
  chi_tiet: PhieuChiTiet[];
}

export interface PhieuXuat {
  ma_phieu: string;
  ma_co_so: string;
  ngay_xuat: string;
  /** 2 return to supplier, 3 destruction. */
  loai_phieu_xuat: 2 | 3;
  ghi_chu: string;
  ten_co_so_nhan: string;
  chi_tiet: PhieuChiTiet[];
}

export type NationalDocument = HoaDon | PhieuNhap | PhieuXuat;

/** The queue each kind of document goes through. */
export function flowOf(docType: DocType, op: DocOp): Flow {
  if (op === 'DELETE') return 'cancellation';
  return docType === 'hoa_don' ? 'sale' : docType === 'phieu_nhap' ? 'import' : 'cancellation';
}
