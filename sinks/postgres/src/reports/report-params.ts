import { ValidationError } from '@retail-stream/runtime';
import { z } from 'zod';

/** Query parameters of the reports API, validated before any SQL runs. */

export const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const DAY_MS = 86_400_000;

const id = (what: string) => z.string().regex(ID, `${what}: letters, digits and _ . : - (at most 64)`);
const instant = z.iso.datetime({
  offset: true,
  message: 'an ISO 8601 date-time with offset, e.g. 2026-11-22T00:00:00Z',
});
const limit = (def: number) => z.coerce.number().int().min(1).max(1000).default(def);
const cursor = z.string().max(1024).optional();

export const WINDOWS = { '1m': 'M1', '15m': 'M15', '1h': 'H1', '1d': 'D1_LOCAL' } as const;

const listQuery = z.object({ limit: limit(100), cursor });
const rangeFields = { from: instant.optional(), to: instant.optional() };

export const storesQuery = listQuery;
export const salesQuery = listQuery.extend({
  ...rangeFields,
  store_id: id('store_id').optional(),
  granularity: z.enum(['hour', 'day']).default('day'),
});
export const topProductsQuery = listQuery.extend({
  ...rangeFields,
  store_id: id('store_id').optional(),
  limit: limit(10),
});
export const inventoryQuery = listQuery.extend({ store_id: id('store_id'), sku: id('sku').optional() });
export const kpisQuery = listQuery.extend({
  ...rangeFields,
  store_id: id('store_id').optional(),
  window: z.enum(['1m', '15m', '1h', '1d']).default('1h'),
});
/** GET /v1/national-sync: one pharmacy store or all; failures listed per store. */
export const nationalSyncQuery = z.object({
  store: id('store').optional(),
  failures: z.coerce.number().int().min(1).max(50).default(5),
});

/** Parses req.query; 400 BAD_REQUEST naming every bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
  throw new ValidationError('BAD_REQUEST', problems.join('; '));
}

export interface Range {
  from: Date;
  to: Date;
}

/**
 * from inclusive, to exclusive. Defaults: to = now, from = to - 1 day. 400 BAD_REQUEST when
 * from >= to, RANGE_TOO_LARGE when longer than maxDays.
 */
export function resolveRange(q: { from?: string; to?: string }, maxDays: number, now = new Date()): Range {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) throw new ValidationError('BAD_REQUEST', 'from must be before to');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw new ValidationError('RANGE_TOO_LARGE', `from..to spans more than ${maxDays} days`);
  }
  return { from, to };
}
