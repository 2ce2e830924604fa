import type { Request, Response } from 'express';
import { styledAnswer } from './answers.ts';
import { LOGIN_STYLE } from './document-kinds.ts';
import type { MockContext } from './mock-context.ts';

/**
 * `POST /api/tai_khoan/dang_nhap` `{usr, pwd}` → `{code, message, data: {token, token_type}}`.
 * The lifetime is not in the answer (the real API does not say it): clients learn it from a 401.
 */
export function loginHandler(ctx: MockContext) {
  return (req: Request, res: Response): void => {
    const body = (req.body ?? {}) as { usr?: unknown; pwd?: unknown };
    if (typeof body.usr !== 'string' || !body.usr || typeof body.pwd !== 'string' || !body.pwd) {
      ctx.held.reply(
        req,
        res,
        styledAnswer(LOGIN_STYLE, 400, 'Thiếu tên đăng nhập (usr) hoặc mật khẩu (pwd)', { data: null }),
      );
      return;
    }
    const account = ctx.accounts.authenticate(body.usr, body.pwd);
    if (!account) {
      const known = ctx.accounts.byUser(body.usr);
      if (known) ctx.stats.login(known.ma_co_so, false);
      ctx.held.reply(
        req,
        res,
        styledAnswer(LOGIN_STYLE, 401, 'Tên đăng nhập hoặc mật khẩu không đúng', { data: null }),
      );
      return;
    }
    const grant = ctx.tokens.issue(account.ma_co_so);
    ctx.stats.login(account.ma_co_so, true);
    ctx.held.reply(
      req,
      res,
      styledAnswer(LOGIN_STYLE, 200, 'Đăng nhập thành công', {
        data: { token: grant.token, token_type: 'bearer' },
      }),
    );
  };
}
