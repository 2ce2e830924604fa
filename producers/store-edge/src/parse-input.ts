import type { Request } from 'express';
import type { z } from 'zod';
import { Refusal } from './refusal.ts';

/**
 * Parses request input or throws a Refusal (INVALID_INPUT, 400) naming the first offending field. Every body, param and
 * query string goes through here, so malformed input can never reach SQL or become a 500.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: 'body' | 'params' | 'query',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  if (where === 'body' && (input === undefined || input === null) && issue.path.length === 0) {
    throw new Refusal('BODY_REQUIRED', 'a JSON object body with Content-Type: application/json is required');
  }
  throw new Refusal(
    'INVALID_INPUT',
    field ? `${where} ${field}: ${issue.message}` : `${where}: ${issue.message}`,
    field,
  );
}

/**
 * A request's path params and JSON body, each parsed (and refused) as parseInput does; the params'
 * fields and `body` in one object. With `optionalBody`, a request without a body parses `{}`.
 */
export function paramsAndBody<P extends z.ZodType<object>, B extends z.ZodType>(
  req: Request,
  params: P,
  body: B,
  opts: { optionalBody?: boolean } = {},
): z.infer<P> & { body: z.infer<B> } {
  return {
    ...parseInput(params, req.params, 'params'),
    body: parseInput(body, opts.optionalBody ? (req.body ?? {}) : req.body, 'body'),
  };
}
