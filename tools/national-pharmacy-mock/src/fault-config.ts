import { z } from 'zod';

const rate = z.number().min(0).max(1);

/** A maintenance window: the API answers 503 from `from` until `to` (ISO times or epoch ms). */
export const maintenanceWindowSchema = z
  .object({
    from: z.union([z.iso.datetime({ offset: true }), z.number().int()]),
    to: z.union([z.iso.datetime({ offset: true }), z.number().int()]),
  })
  .transform((w) => ({ from: new Date(w.from).getTime(), to: new Date(w.to).getTime() }))
  .refine((w) => w.to > w.from, 'to must be after from');

export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

/** Which requests faults (not maintenance) may hit. */
export const faultScopeSchema = z.enum(['login', 'write', 'delete', 'read']);
export type FaultScope = z.infer<typeof faultScopeSchema>;

/**
 * The faults the mock injects. One draw decides each request's fate, so with a seed the same
 * sequence of requests meets the same sequence of faults: `errorRate` (5xx), then `rateLimitRate`
 * (429 with Retry-After), then `timeoutRate` (processed and stored, then no answer: the socket is
 * destroyed after `timeoutMs`, the worst case for a client), then `slowRate` (processed only after
 * `slowMs`, typically after the client gave up, and answered then). The rates add up to at most 1.
 */
export const faultConfigSchema = z
  .object({
    /** Fixed delay before every API request is handled, plus a uniform jitter in [0, latencyJitterMs). */
    latencyMs: z.number().int().min(0).default(0),
    latencyJitterMs: z.number().int().min(0).default(0),
    errorRate: rate.default(0),
    /** The 5xx statuses answered in turn; 502/503/504 come as nginx HTML pages, 500 as JSON. */
    errorStatuses: z.array(z.number().int().min(500).max(599)).min(1).default([500, 502, 503, 504]),
    rateLimitRate: rate.default(0),
    retryAfterS: z.number().int().min(0).default(1),
    timeoutRate: rate.default(0),
    timeoutMs: z.number().int().min(0).default(5_000),
    /**
     * True (default): a timed-out request is processed and stored first (the worst case). False: it
     * is dropped before processing, so a read-back finds nothing and the client must send again.
     */
    timeoutCommits: z.boolean().default(true),
    /**
     * A busy backend: the request waits `slowMs` before it is processed (and stored), then is
     * answered. A client whose timeout is shorter gives up first, and a read-back in between finds
     * nothing, though the document arrives afterwards: the case a resend must not race.
     */
    slowRate: rate.default(0),
    slowMs: z.number().int().min(0).default(5_000),
    /** Maintenance switch: every API request answers 503 while on. */
    maintenance: z.boolean().default(false),
    maintenanceWindows: z.array(maintenanceWindowSchema).default([]),
    /** Seeds the draws (mulberry32); without one the draws come from Math.random. */
    seed: z.number().int().optional(),
    scope: z.array(faultScopeSchema).default(['login', 'write', 'delete', 'read']),
  })
  .refine((f) => f.errorRate + f.rateLimitRate + f.timeoutRate + f.slowRate <= 1, {
    message: 'errorRate + rateLimitRate + timeoutRate + slowRate must be at most 1',
  });

export type FaultConfig = z.infer<typeof faultConfigSchema>;
/** What callers pass: every field optional (no faults by default). */
export type FaultInput = z.input<typeof faultConfigSchema>;

export function parseFaults(input: unknown): FaultConfig {
  return faultConfigSchema.parse(input ?? {});
}
