import { bodyLimit } from '@retail-stream/runtime';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { gatewayAnswer, writeAnswer } from './answers.ts';
import { documentHandlers } from './document-routes.ts';
import { DOCUMENT_KINDS } from './document-kinds.ts';
import { faultMiddleware } from './fault-middleware.ts';
import { loginHandler } from './login-route.ts';
import type { MockContext } from './mock-context.ts';

/** The authority's API as an express app (the control API is mounted beside it, see start-mock). */
export function createApiApp(ctx: MockContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // A body over the limit is refused unread (413) instead of being read to its end first.
  app.use(bodyLimit(2 * 1024 * 1024));
  // Clients do not all send Content-Type: application/json; the authority reads the body anyway.
  app.use(express.json({ limit: '2mb', type: () => true }));

  app.post('/api/tai_khoan/dang_nhap', faultMiddleware(ctx, 'login'), loginHandler(ctx));
  for (const kind of DOCUMENT_KINDS) {
    const h = documentHandlers(ctx, kind);
    const path = `/api/lien_thong/${kind}`;
    app.post(path, faultMiddleware(ctx, 'write', kind), h.create);
    app.put(path, faultMiddleware(ctx, 'write', kind), h.update);
    app.get(`${path}/:ma_co_so/:ma`, faultMiddleware(ctx, 'read', kind), h.read);
    app.delete(`${path}/:ma_co_so/:ma`, faultMiddleware(ctx, 'delete', kind), h.remove);
  }
  return app;
}

/** After the control API: unknown paths and unreadable bodies, in the authority's plain shape. */
export function mountApiFallbacks(app: Express, ctx: MockContext): void {
  app.use((_req, res) => {
    ctx.stats.response(404);
    writeAnswer(res, gatewayAnswer(404, 'Không tìm thấy đường dẫn'));
  });
  const onError: ErrorRequestHandler = (err: { status?: number; type?: string }, req, res, _next) => {
    if (res.headersSent) return;
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) ctx.logger.error({ err, path: req.path }, 'mock request failed');
    ctx.stats.response(status);
    writeAnswer(
      res,
      gatewayAnswer(status, status === 500 ? 'Đã có lỗi xảy ra' : 'Dữ liệu gửi lên không hợp lệ (JSON)'),
    );
  };
  app.use(onError);
}
