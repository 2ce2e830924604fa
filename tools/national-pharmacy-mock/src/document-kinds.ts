/**
 * The three documents the mock accepts and how each endpoint words its answers. The real API is
 * not consistent (clients seen accept `code` as number or string and `mess` or `message`), and the
 * mock keeps that variety on purpose: a client that works here copes with every form.
 */
export type DocumentKind = 'hoa_don' | 'phieu_nhap' | 'phieu_xuat';

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['hoa_don', 'phieu_nhap', 'phieu_xuat'];

/** How an answer is worded: `code` as a number or a string, the text under `mess` or `message`. */
export interface AnswerStyle {
  codeAs: 'number' | 'string';
  textKey: 'mess' | 'message';
}

export interface KindInfo {
  kind: DocumentKind;
  /** The document number field in the body and the last path segment of GET/PUT/DELETE. */
  numberField: 'ma_hoa_don' | 'ma_phieu';
  /** Where the authority's id comes back. */
  nationalIdField: 'ma_hoa_don_quoc_gia' | 'ma_phieu_nhap_quoc_gia' | 'ma_phieu_xuat_quoc_gia';
  /** Prefix of the national ids the mock hands out. */
  idPrefix: string;
  /** The array of lines in the body. */
  linesField: 'hoa_don_chi_tiet' | 'chi_tiet';
  /** The document's name in the authority's messages. */
  label: string;
  /** POST, PUT and GET answers. */
  style: AnswerStyle;
}

export const KINDS: Record<DocumentKind, KindInfo> = {
  hoa_don: {
    kind: 'hoa_don',
    numberField: 'ma_hoa_don',
    nationalIdField: 'ma_hoa_don_quoc_gia',
    idPrefix: 'HD',
    linesField: 'hoa_don_chi_tiet',
    label: 'Hóa đơn',
    style: { codeAs: 'number', textKey: 'mess' },
  },
  phieu_nhap: {
    kind: 'phieu_nhap',
    numberField: 'ma_phieu',
    nationalIdField: 'ma_phieu_nhap_quoc_gia',
    idPrefix: 'PN',
    linesField: 'chi_tiet',
    label: 'Phiếu nhập',
    style: { codeAs: 'string', textKey: 'message' },
  },
  phieu_xuat: {
    kind: 'phieu_xuat',
    numberField: 'ma_phieu',
    nationalIdField: 'ma_phieu_xuat_quoc_gia',
    idPrefix: 'PX',
    linesField: 'chi_tiet',
    label: 'Phiếu xuất',
    style: { codeAs: 'number', textKey: 'message' },
  },
};

/** DELETE answers `{code, mess}` on every kind, with the code as a string. */
export const DELETE_STYLE: AnswerStyle = { codeAs: 'string', textKey: 'mess' };

/** Login answers `{code, message, data}` with a numeric code. */
export const LOGIN_STYLE: AnswerStyle = { codeAs: 'number', textKey: 'message' };

export function isDocumentKind(s: string): s is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(s);
}
