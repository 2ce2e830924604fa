import { z } from 'zod';

/**
 * The flags that say which stores and catalogue the seed creates. Shared so that tools publishing
 * reference data for the same stores (ingest's publish-refs) accept the same arguments and defaults.
 */
export const SEED_FLAG_OPTIONS = {
  stores: { type: 'string', default: '1' },
  skus: { type: 'string', default: '2000' },
  first: { type: 'string', default: '1' },
  prefix: { type: 'string', default: 's' },
  seed: { type: 'string', default: '42' },
} as const;

export const seedFlagSchema = z.object({
  stores: z.coerce.number().int().min(1).max(9_999),
  skus: z.coerce.number().int().min(1).max(99_999),
  first: z.coerce.number().int().min(1).max(9_999),
  prefix: z.string().regex(/^[a-z][a-z0-9_]{0,20}$/),
  seed: z.coerce.number().int(),
});
