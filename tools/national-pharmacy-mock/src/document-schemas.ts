import { z } from 'zod';
import type { DocumentKind } from './document-kinds.ts';
import { isYyyyMmDd } from './yyyymmdd.ts';

/**
 * The bodies the authority accepts, strictly: dates `yyyyMMdd`, quantities and prices integers,
 * required fields present. Each check carries a tag that `validationMessages` turns into the
 * authority's wording with the field's path, so a client can show the operator what to fix.
 * Unknown extra fields are kept (clients send more than documented), never refused.
 */
const text = z.string({ error: 'text' }).trim().min(1, { error: 'text' });
const optionalText = z.string({ error: 'text' }).nullish();
const date = z.string({ error: 'date' }).refine(isYyyyMmDd, { error: 'date' });
const optionalDate = z.union([z.literal(''), date]).nullish();
const quantity = z.number({ error: 'int' }).int({ error: 'int' }).positive({ error: 'positive' });
const money = z.number({ error: 'int' }).int({ error: 'int' }).min(0, { error: 'non-negative' });
const lines = <T extends z.ZodType>(line: T) =>
  z.array(line, { error: 'array' }).min(1, { error: 'nonempty' });

const saleLine = z.looseObject({
  ma_thuoc: text,
  ten_thuoc: text,
  so_lo: text,
  ngay_san_xuat: optionalDate,
  han_dung: date,
  don_vi_tinh: text,
  ham_luong: optionalText,
  duong_dung: optionalText,
  lieu_dung: optionalText,
  so_dang_ky: optionalText,
  so_luong: quantity,
  don_gia: money,
  thanh_tien: money,
  ty_le_quy_doi: z.number({ error: 'int' }).int({ error: 'int' }).positive({ error: 'positive' }).nullish(),
});

const stockLine = z.looseObject({
  ma_thuoc: text,
  ten_thuoc: text,
  so_lo: text,
  ngay_san_xuat: optionalDate,
  han_dung: date,
  so_dklh: optionalText,
  so_luong: quantity,
  don_gia: money,
  don_vi_tinh: text,
});

export const hoaDonSchema = z.looseObject({
  ma_hoa_don: text,
  ma_co_so: text,
  ma_don_thuoc_quoc_gia: optionalText,
  ngay_ban: date,
  ho_ten_nguoi_ban: optionalText,
  ho_ten_khach_hang: optionalText,
  hoa_don_chi_tiet: lines(saleLine),
});

export const phieuNhapSchema = z.looseObject({
  ma_phieu: text,
  ma_co_so: text,
  ngay_nhap: date,
  /** 1 from a supplier, 2 a customer's return, 3 opening stock. */
  loai_phieu_nhap: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'loai:1, 2, 3' }),
  ghi_chu: optionalText,
  ten_co_so_cung_cap: optionalText,
  chi_tiet: lines(stockLine),
});

export const phieuXuatSchema = z.looseObject({
  ma_phieu: text,
  ma_co_so: text,
  ngay_xuat: date,
  /** 2 return to the supplier, 3 destruction (xuất hủy) in the clients seen; 1 accepted as well. */
  loai_phieu_xuat: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'loai:1, 2, 3' }),
  ghi_chu: optionalText,
  ten_co_so_nhan: optionalText,
  chi_tiet: lines(stockLine),
});

export const DOCUMENT_SCHEMAS: Record<DocumentKind, z.ZodType<Record<string, unknown>>> = {
  hoa_don: hoaDonSchema,
  phieu_nhap: phieuNhapSchema,
  phieu_xuat: phieuXuatSchema,
};

export interface DocumentLine {
  ma_thuoc: string;
  so_luong: number;
  don_gia: number;
  [k: string]: unknown;
}

export type ParsedDocument = Record<string, unknown>;

export type Validation = { ok: true; doc: ParsedDocument } | { ok: false; messages: string[] };

export function validateDocument(kind: DocumentKind, body: unknown): Validation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, messages: ['Dữ liệu gửi lên không hợp lệ (cần một đối tượng JSON)'] };
  }
  const result = DOCUMENT_SCHEMAS[kind].safeParse(body, { reportInput: true });
  if (result.success) return { ok: true, doc: result.data };
  return { ok: false, messages: validationMessages(result.error.issues) };
}

/** `hoa_don_chi_tiet[0].so_luong` from ['hoa_don_chi_tiet', 0, 'so_luong']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/** The authority's wording for each check; one message per field, in the body's order. */
export function validationMessages(issues: readonly z.core.$ZodIssue[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const issue of issues) {
    const field = fieldPath(issue.path);
    if (seen.has(field)) continue;
    seen.add(field);
    out.push(describe(field, issue));
  }
  return out;
}

function describe(field: string, issue: z.core.$ZodIssue): string {
  if ((issue as { input?: unknown }).input === undefined && issue.code !== 'custom') {
    return `Thiếu thông tin ${field}`;
  }
  const tag = issue.message;
  if (tag.startsWith('loai:')) return `${field} không hợp lệ (chỉ nhận ${tag.slice(5)})`;
  switch (tag) {
    case 'date':
      return `${field} không đúng định dạng ngày yyyyMMdd`;
    case 'int':
      return `${field} phải là số nguyên`;
    case 'positive':
      return `${field} phải lớn hơn 0`;
    case 'non-negative':
      return `${field} không được âm`;
    case 'nonempty':
      return `${field} không được để trống`;
    case 'array':
      return `${field} phải là danh sách`;
    case 'text':
      return `${field} không được để trống và phải là chuỗi`;
    default:
      return `${field} không hợp lệ`;
  }
}
