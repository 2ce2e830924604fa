import { baseServiceConfig } from '@retail-stream/runtime';
import { z } from 'zod';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** `retail jobs run` settings (JOBS_*), parsed once from the environment the CLI was given. */
export const jobsConfig = baseServiceConfig.extend({
  /** How often due reconciliations are looked for (each store is due once its local day ended + lateness). */
  JOBS_RECONCILE_CRON: z.string().default('*/5 * * * *'),
  /** Minutes after a store's local midnight before its day is reconciled (late events, KPI lateness). */
  JOBS_RECONCILE_LATENESS_MIN: int(30),
  /** Nightly runs also replay what is missing (as `retail reconcile --repair`). */
  JOBS_RECONCILE_REPAIR: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Retention clean-up at the stores (UTC cron). */
  JOBS_RETENTION_CRON: z.string().default('30 3 * * *'),
  /** Published outbox rows older than this are deleted (reconcile reads the outbox: keep more than a few days). */
  JOBS_OUTBOX_RETENTION_DAYS: int(14, 1),
  /** Idempotency keys older than this are deleted (a terminal retries within minutes, not days). */
  JOBS_IDEMPOTENCY_TTL_HOURS: int(48, 1),
  /** Reads new dead letters and dropped duplicates into the trace index, so `retail trace` has little to catch up. */
  JOBS_TRACE_INDEX_CRON: z.string().default('* * * * *'),
  /** Daily export of the previous UTC day's facts (UTC cron). */
  JOBS_EXPORT_CRON: z.string().default('15 1 * * *'),
  JOBS_EXPORT_DIR: z.string().min(1).default('.data/exports'),
});

export type JobsConfig = z.infer<typeof jobsConfig>;
