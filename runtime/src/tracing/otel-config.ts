import { z } from 'zod';

/**
 * The standard OpenTelemetry SDK variables we honour (opentelemetry.io/docs/specs/otel/configuration/
 * sdk-environment-variables). Part of baseServiceConfig, so every service parses them once with
 * the rest of its settings. No endpoint set: no exporter at all (nothing queued, no timer).
 */
export const otelConfig = z.object({
  /** Base URL; spans go to `<base>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Full URL for traces, used as is; wins over the base endpoint. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** Only OTLP/HTTP with JSON is built in (no protobuf or gRPC dependency). */
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .literal('http/json', { error: 'only http/json is supported (OTLP/HTTP JSON encoding)' })
    .optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z
    .literal('http/json', { error: 'only http/json is supported (OTLP/HTTP JSON encoding)' })
    .optional(),
  /** `key=value,key2=value2` (values URL-encoded), e.g. a collector's API key. */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .transform((s, ctx) => {
      const headers: Record<string, string> = {};
      for (const part of s.split(',')) {
        if (part.trim() === '') continue;
        const eq = part.indexOf('=');
        if (eq <= 0) {
          ctx.addIssue({ code: 'custom', message: 'expected key=value pairs separated by commas' });
          return z.NEVER;
        }
        headers[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
      }
      return headers;
    })
    .optional(),
  /** One export request's time limit, ms. */
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().positive().default(10_000),
  /** Overrides the service name reported as the `service.name` resource attribute. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  /** The ratio of the *traceidratio samplers, 0…1: share of the traces we start that are sampled. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Spans waiting for export; more are dropped and counted (retail_otlp_spans_dropped_total). */
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().positive().default(2048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().positive().default(512),
  /** Longest a span waits before its batch is sent, ms. */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().nonnegative().default(5_000),
});

export type OtelConfig = z.infer<typeof otelConfig>;

/** The traces URL per the spec's rules, or undefined when export is off. */
export function otlpTracesUrl(c: Partial<OtelConfig>): string | undefined {
  if (c.OTEL_SDK_DISABLED === 'true') return undefined;
  if (c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (c.OTEL_EXPORTER_OTLP_ENDPOINT) return `${c.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}
