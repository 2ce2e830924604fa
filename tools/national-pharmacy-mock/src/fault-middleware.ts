import type { RequestHandler } from 'express';
import { gatewayAnswer, nginxPage, styledAnswer, writeAnswer } from './answers.ts';
import { KINDS, LOGIN_STYLE, type DocumentKind } from './document-kinds.ts';
import type { FaultScope } from './fault-config.ts';
import type { MockContext } from './mock-context.ts';

/**
 * In front of every API route: counts the request (by endpoint and account), then applies the
 * fault plan: maintenance 503, latency, a 5xx, a 429 with Retry-After, a late processing (slow), or
 * marks the request as one whose answer never comes (the route still does the work: see
 * HeldResponses).
 */
export function faultMiddleware(ctx: MockContext, scope: FaultScope, kind?: DocumentKind): RequestHandler {
  return async (req, res, next) => {
    const endpoint = `${req.method} ${kind ?? 'dang_nhap'}`;
    const account =
      scope === 'login'
        ? ctx.accounts.byUser(String((req.body as { usr?: unknown } | undefined)?.usr ?? ''))?.ma_co_so
        : ctx.tokens.accountOf(req.headers.authorization);
    ctx.stats.request(endpoint, account);
    ctx.metrics.requests.inc({ endpoint });

    const { latencyMs, outcome } = ctx.faults.decide(scope);
    if (outcome.kind !== 'none') {
      ctx.stats.fault(outcome.kind);
      ctx.metrics.faults.inc({ kind: outcome.kind });
    }
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    switch (outcome.kind) {
      case 'maintenance': {
        const headers = outcome.retryAfterS ? { 'Retry-After': String(outcome.retryAfterS) } : undefined;
        ctx.stats.response(503);
        writeAnswer(res, gatewayAnswer(503, 'Hệ thống đang bảo trì, vui lòng thử lại sau', headers));
        return;
      }
      case 'rate-limit':
        ctx.stats.response(429);
        writeAnswer(
          res,
          gatewayAnswer(429, 'Quá nhiều yêu cầu, vui lòng thử lại sau', {
            'Retry-After': String(outcome.retryAfterS),
          }),
        );
        return;
      case 'error': {
        ctx.stats.response(outcome.status);
        if (outcome.status === 500) {
          const style = kind ? KINDS[kind].style : LOGIN_STYLE;
          writeAnswer(res, styledAnswer(style, 500, 'Đã có lỗi xảy ra, vui lòng thử lại sau'));
        } else {
          res.status(outcome.status).type('text/html').send(nginxPage(outcome.status));
        }
        return;
      }
      case 'timeout':
        res.locals.timeoutAfterMs = outcome.afterMs;
        // Lost on the way in: nothing is processed, the answer never comes all the same.
        if (!outcome.commits) ctx.held.reply(req, res, gatewayAnswer(504, 'lost'));
        else next();
        return;
      case 'slow':
        // Processed late whether or not the client still waits: Express does not stop a handler
        // because the client went away, and neither does a real backend behind a gateway.
        await new Promise((r) => setTimeout(r, outcome.afterMs));
        next();
        return;
      case 'none':
        next();
    }
  };
}
