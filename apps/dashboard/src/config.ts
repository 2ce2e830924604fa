import { baseServiceConfig, basicUsersList, kafkaConfig } from '@retail-stream/runtime';
import { z } from 'zod';

/** Default group ids of the services that consume (INGEST_GROUP_ID, KPI_*GROUP_ID, SINK_GROUP_ID: a sink's default is its name). */
export const DEFAULT_CONSUMER_GROUPS = [
  'ingest-processor',
  'kpi-windows',
  'kpi-windows-chain',
  'postgres-sink',
  'clickhouse-sink',
  'cassandra-sink',
];

/** `s001=http://127.0.0.1:9101,s002=http://…` → store id and base URL of each store edge. */
export const storeEdgeUrls = z.string().transform((s, ctx) => {
  const out: { storeId: string; url: string }[] = [];
  for (const entry of s
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9_]{1,31})=(https?:\/\/[^\s,]+)$/.exec(entry);
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        message: `'${entry.slice(0, 80)}' is not store_id=http(s)://host:port`,
      });
      return z.NEVER;
    }
    out.push({ storeId: m[1]!, url: m[2]!.replace(/\/+$/, '') });
  }
  return out;
});

/**
 * Everything the dashboard server reads from the environment, parsed once in main.ts. The reports
 * API token stays on the server: the browser only ever talks to /api/* here.
 */
export const dashboardConfig = baseServiceConfig.extend(kafkaConfig.shape).extend({
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(8088),
  REPORTS_API_URL: z
    .url()
    .default('http://127.0.0.1:8090')
    .transform((u) => u.replace(/\/+$/, '')),
  /** Read-only bearer token of the reports API (its config holds only the SHA-256 of it). */
  REPORTS_API_TOKEN: z.string().regex(/^[\x21-\x7e]{8,512}$/, '8-512 printable ASCII characters'),
  REPORTS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Store edges whose outbox backlog and relay state are shown (GET <url>/v1/sync/status). */
  STORE_EDGE_URLS: storeEdgeUrls.default([]),
  /**
   * The read-only monitor token the store edges accept on GET /v1/sync/status only (their
   * EDGE_MONITOR_TOKENS holds its sha256). Without it every store reads UNAUTHORISED.
   */
  STORE_EDGE_MONITOR_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, '16-512 printable ASCII characters')
    .optional(),
  /** Deprecated: a terminal token (it could also sell); used only when no monitor token is set. */
  STORE_EDGE_TOKEN: z.string().min(1).optional(),
  /**
   * `user:scrypt$salt$hash,…` (runtime hashPassword): HTTP basic-auth login for the page and
   * /api/*. Required when HTTP_HOST is not loopback (the dashboard refuses to start without it).
   */
  DASHBOARD_USERS: basicUsersList.optional(),
  STORE_EDGE_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /**
   * Consumer groups whose lag is shown: by default the services' default group ids (their
   * config.ts files); `*` shows every consumer group on the cluster.
   */
  DASHBOARD_CONSUMER_GROUPS: z
    .string()
    .default(DEFAULT_CONSUMER_GROUPS.join(','))
    .transform((s): string[] | 'all' =>
      s.trim() === '*'
        ? 'all'
        : s
            .split(',')
            .map((g) => g.trim())
            .filter(Boolean),
    ),
  // TOPICS.deadLetters of @retail-stream/schemas; the dashboard does not depend on the catalogue.
  DLQ_TOPIC: z.string().min(1).default('retail.events.dlq'),
  KPI_LATE_TOPIC: z.string().min(1).default('retail.kpi.late'),
  /** Kafka admin answers are cached this long, so many open dashboards cost one admin round. */
  PIPELINE_CACHE_MS: z.coerce.number().int().min(0).default(1_000),
  /** Folder of the built web app (vite build). */
  DASHBOARD_DIST_DIR: z.string().min(1).optional(),
});

export type DashboardConfig = z.infer<typeof dashboardConfig>;
