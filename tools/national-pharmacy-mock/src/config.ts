import { baseServiceConfig, boolFromEnv } from '@retail-stream/runtime';
import { z } from 'zod';
import { maintenanceWindowSchema } from './fault-config.ts';

const rate = z.coerce.number().min(0).max(1);
const ms = z.coerce.number().int().min(0);

/** `2026-12-06T02:00:00Z/2026-12-06T02:02:00Z,...`: maintenance windows as from/to pairs. */
const windows = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p): { from: string | number; to: string | number } => {
        const [from, to] = p.split('/');
        return { from: from ?? '', to: to ?? '' };
      }),
  )
  .pipe(z.array(maintenanceWindowSchema));

/**
 * The demo's mock authority (`npm run national-pharmacy-mock`). The faults set here are the ones it
 * starts with; the control API (with NATIONAL_MOCK_CONTROL_TOKEN) changes them at runtime.
 */
export const nationalMockConfig = baseServiceConfig.extend({
  NATIONAL_MOCK_PORT: z.coerce.number().int().min(0).max(65535).default(18190),
  NATIONAL_MOCK_ACCOUNTS_FILE: z.string().min(1),
  NATIONAL_MOCK_DRUGS_FILE: z.string().min(1),
  NATIONAL_MOCK_TOKEN_TTL_S: z.coerce.number().int().positive().default(1800),
  NATIONAL_MOCK_CONTROL_TOKEN: z.string().min(8).optional(),
  /** Keeps the accepted documents in this JSON file (the demo checker reads it). */
  NATIONAL_MOCK_STATE_FILE: z.string().min(1).optional(),
  NATIONAL_MOCK_LATENCY_MS: ms.default(0),
  NATIONAL_MOCK_LATENCY_JITTER_MS: ms.default(0),
  NATIONAL_MOCK_ERROR_RATE: rate.default(0),
  NATIONAL_MOCK_RATE_LIMIT_RATE: rate.default(0),
  NATIONAL_MOCK_RETRY_AFTER_S: ms.default(1),
  NATIONAL_MOCK_TIMEOUT_RATE: rate.default(0),
  NATIONAL_MOCK_TIMEOUT_MS: ms.default(5_000),
  NATIONAL_MOCK_TIMEOUT_COMMITS: boolFromEnv.default(true),
  NATIONAL_MOCK_SLOW_RATE: rate.default(0),
  NATIONAL_MOCK_SLOW_MS: ms.default(5_000),
  NATIONAL_MOCK_MAINTENANCE: boolFromEnv.default(false),
  NATIONAL_MOCK_MAINTENANCE_WINDOWS: windows.optional(),
  NATIONAL_MOCK_SEED: z.coerce.number().int().optional(),
});

export type NationalMockConfig = z.infer<typeof nationalMockConfig>;

/** The env's fault settings as the mock's fault input. */
export function faultsFromConfig(c: NationalMockConfig) {
  return {
    latencyMs: c.NATIONAL_MOCK_LATENCY_MS,
    latencyJitterMs: c.NATIONAL_MOCK_LATENCY_JITTER_MS,
    errorRate: c.NATIONAL_MOCK_ERROR_RATE,
    rateLimitRate: c.NATIONAL_MOCK_RATE_LIMIT_RATE,
    retryAfterS: c.NATIONAL_MOCK_RETRY_AFTER_S,
    timeoutRate: c.NATIONAL_MOCK_TIMEOUT_RATE,
    timeoutMs: c.NATIONAL_MOCK_TIMEOUT_MS,
    timeoutCommits: c.NATIONAL_MOCK_TIMEOUT_COMMITS,
    slowRate: c.NATIONAL_MOCK_SLOW_RATE,
    slowMs: c.NATIONAL_MOCK_SLOW_MS,
    maintenance: c.NATIONAL_MOCK_MAINTENANCE,
    maintenanceWindows: (c.NATIONAL_MOCK_MAINTENANCE_WINDOWS ?? []).map((w) => ({ from: w.from, to: w.to })),
    ...(c.NATIONAL_MOCK_SEED !== undefined ? { seed: c.NATIONAL_MOCK_SEED } : {}),
  };
}
