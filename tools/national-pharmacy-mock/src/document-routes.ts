import type { Request, Response } from 'express';
import { styledAnswer, type ApiAnswer } from './answers.ts';
import { DELETE_STYLE, KINDS, type AnswerStyle, type DocumentKind } from './document-kinds.ts';
import { validateDocument } from './document-schemas.ts';
import type { MockContext } from './mock-context.ts';

type Handler = (req: Request, res: Response) => void;

/**
 * The document endpoints, `/api/lien_thong/{hoa_don|phieu_nhap|phieu_xuat}`: POST creates, PUT
 * updates, GET `/{ma_co_so}/{ma}` reads back, DELETE `/{ma_co_so}/{ma}` voids. Checks run in the
 * order a client meets them: token (401), pharmacy code (400 unknown, 403 not the token's), body
 * (400 with every field's problem), drug list (400), then the natural key (409 duplicate, 404).
 */
export function documentHandlers(ctx: MockContext, kind: DocumentKind) {
  const info = KINDS[kind];

  /** The token's pharmacy, or the 401/400/403 to answer when `maCoSo` is given. */
  const authorize = (req: Request, style: AnswerStyle, maCoSo: unknown): { account: string } | ApiAnswer => {
    const check = ctx.tokens.check(req.headers.authorization);
    if (!check.ok) {
      const text =
        check.reason === 'expired'
          ? 'Token đã hết hạn, vui lòng đăng nhập lại'
          : check.reason === 'missing'
            ? 'Chưa đăng nhập: thiếu token (Authorization: Bearer)'
            : 'Token không hợp lệ';
      return styledAnswer(style, 401, text);
    }
    if (typeof maCoSo === 'string' && maCoSo) {
      if (!ctx.accounts.has(maCoSo)) return styledAnswer(style, 400, `Mã cơ sở ${maCoSo} không tồn tại`);
      if (maCoSo !== check.ma_co_so) {
        return styledAnswer(style, 403, `Tài khoản không có quyền liên thông dữ liệu của cơ sở ${maCoSo}`);
      }
    }
    return { account: check.ma_co_so };
  };

  /** Schema, then every line's drug code against the national list. */
  const validate = (body: unknown): { doc: Record<string, unknown> } | ApiAnswer => {
    const v = validateDocument(kind, body);
    if (!v.ok) return styledAnswer(info.style, 400, v.messages.join('; '));
    const lines = v.doc[info.linesField] as Array<{ ma_thuoc: string }>;
    const unknown = lines.flatMap((l, i) =>
      ctx.drugs.has(l.ma_thuoc)
        ? []
        : [
            `Mã thuốc ${l.ma_thuoc} không có trong danh mục thuốc quốc gia (${info.linesField}[${i}].ma_thuoc)`,
          ],
    );
    if (unknown.length > 0) return styledAnswer(info.style, 400, unknown.join('; '));
    return { doc: v.doc };
  };

  const write =
    (operation: 'create' | 'update'): Handler =>
    (req, res) => {
      const body = req.body as Record<string, unknown> | undefined;
      const auth = authorize(req, info.style, body?.ma_co_so);
      if ('status' in auth) return ctx.held.reply(req, res, auth);
      const checked = validate(body);
      if ('status' in checked) return ctx.held.reply(req, res, checked);
      const { doc } = checked;
      const maCoSo = doc.ma_co_so as string;
      const ma = doc[info.numberField] as string;
      const existing = ctx.store.get(kind, maCoSo, ma);
      if (operation === 'create') {
        if (existing) {
          ctx.store.refusedDuplicate(existing);
          return ctx.held.reply(
            req,
            res,
            styledAnswer(info.style, 409, `${info.label} ${ma} đã tồn tại trên hệ thống`),
          );
        }
        const created = ctx.store.create(kind, maCoSo, ma, doc);
        ctx.metrics.accepted.inc({ kind, operation });
        return ctx.held.reply(
          req,
          res,
          styledAnswer(info.style, 200, 'Gửi dữ liệu thành công', {
            [info.nationalIdField]: created.national_id,
          }),
        );
      }
      if (!existing)
        return ctx.held.reply(req, res, styledAnswer(info.style, 404, `${info.label} ${ma} không tồn tại`));
      if (existing.deleted) {
        return ctx.held.reply(
          req,
          res,
          styledAnswer(info.style, 400, `${info.label} ${ma} đã bị hủy, không thể cập nhật`),
        );
      }
      ctx.store.update(existing, doc);
      ctx.metrics.accepted.inc({ kind, operation });
      return ctx.held.reply(
        req,
        res,
        styledAnswer(info.style, 200, 'Cập nhật thành công', {
          [info.nationalIdField]: existing.national_id,
        }),
      );
    };

  const read: Handler = (req, res) => {
    const { ma_co_so: maCoSo, ma } = req.params as { ma_co_so: string; ma: string };
    const auth = authorize(req, info.style, maCoSo);
    if ('status' in auth) return ctx.held.reply(req, res, auth);
    const found = ctx.store.get(kind, maCoSo, ma);
    if (!found)
      return ctx.held.reply(
        req,
        res,
        styledAnswer(info.style, 404, `Không tìm thấy ${info.label.toLowerCase()} ${ma}`),
      );
    ctx.held.reply(
      req,
      res,
      styledAnswer(info.style, 200, 'Thành công', {
        [info.nationalIdField]: found.national_id,
        // A voided document is still found: the client must see that it was voided, not "never sent".
        da_huy: found.deleted,
        data: { ...found.body, [info.nationalIdField]: found.national_id, da_huy: found.deleted },
      }),
    );
  };

  const remove: Handler = (req, res) => {
    const { ma_co_so: maCoSo, ma } = req.params as { ma_co_so: string; ma: string };
    const auth = authorize(req, DELETE_STYLE, maCoSo);
    if ('status' in auth) return ctx.held.reply(req, res, auth);
    const found = ctx.store.get(kind, maCoSo, ma);
    if (!found)
      return ctx.held.reply(req, res, styledAnswer(DELETE_STYLE, 404, `${info.label} ${ma} không tồn tại`));
    if (found.deleted) {
      return ctx.held.reply(
        req,
        res,
        styledAnswer(DELETE_STYLE, 400, `${info.label} ${ma} đã được hủy trước đó`),
      );
    }
    ctx.store.markDeleted(found);
    ctx.metrics.accepted.inc({ kind, operation: 'delete' });
    ctx.held.reply(req, res, styledAnswer(DELETE_STYLE, 200, `Hủy ${info.label.toLowerCase()} thành công`));
  };

  return { create: write('create'), update: write('update'), read, remove };
}
