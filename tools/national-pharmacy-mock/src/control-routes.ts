import { timingSafeEqual } from 'node:crypto';
import { AppError, sendError } from '@retail-stream/runtime';
import express, { type Router } from 'express';
import { z } from 'zod';
import { DOCUMENT_KINDS } from './document-kinds.ts';
import { faultConfigSchema } from './fault-config.ts';
import type { MockContext } from './mock-context.ts';

/** Mounted at CONTROL_PATH when a control token is configured; our error body, not the authority's. */
export const CONTROL_PATH = '/_mock';

const documentQuery = z.object({
  kind: z.enum(DOCUMENT_KINDS as [string, ...string[]]).optional(),
  ma_co_so: z.string().min(1).optional(),
  deleted: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

const expireBody = z.object({ ma_co_so: z.string().min(1).optional() }).default({});

/**
 * The mock's control API, for tests and the demo: what it accepted, its counts, its faults (read
 * and replace at runtime), token expiry on demand, reset. Every call needs
 * `Authorization: Bearer <NATIONAL_MOCK_CONTROL_TOKEN>`.
 */
export function controlRouter(ctx: MockContext, controlToken: string, reset: () => void): Router {
  const router = express.Router();
  const expected = Buffer.from(controlToken);
  router.use((req, res, next) => {
    const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    sendError(req, res, new AppError('UNAUTHORIZED', 'the control API needs its bearer token'), ctx.logger);
  });
  router.get('/documents', (req, res) => {
    const q = parseOr400(documentQuery, req.query);
    res.json({ documents: ctx.store.list(q as Parameters<typeof ctx.store.list>[0]) });
  });
  router.get('/stats', (_req, res) => {
    res.json(ctx.stats.snapshot());
  });
  router.get('/faults', (_req, res) => {
    res.json(ctx.faults.current);
  });
  router.put('/faults', (req, res) => {
    const faults = parseOr400(faultConfigSchema, req.body ?? {});
    ctx.faults.replace(faults);
    ctx.logger.info({ faults }, 'faults replaced');
    res.json(faults);
  });
  router.post('/tokens/expire', (req, res) => {
    const body = parseOr400(expireBody, req.body ?? {});
    res.json({ expired: ctx.tokens.expire(body.ma_co_so) });
  });
  router.post('/reset', (_req, res) => {
    reset();
    res.json({ reset: true });
  });
  router.use(((err, req, res, _next) => sendError(req, res, err, ctx.logger)) as express.ErrorRequestHandler);
  return router;
}

function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new AppError('BAD_REQUEST', `${issue.path.join('.') || 'body'}: ${issue.message}`, {
    field: issue.path.join('.') || null,
  });
}
