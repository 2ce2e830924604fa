import path from 'node:path';
import { z } from 'zod';
import { logLevel, parseConfig } from '@retail-stream/runtime';
import { compatibilityLevels } from './compatibility-level.ts';

/** Environment of the registry process; parsed once in main.ts, nothing else reads the environment. */
export const registryConfigSchema = z
  .object({
    SCHEMA_REGISTRY_PORT: z.coerce.number().int().min(0).max(65535).default(18081),
    SCHEMA_REGISTRY_HOST: z.string().min(1).default('127.0.0.1'),
    SCHEMA_REGISTRY_DATA_DIR: z
      .string({ error: 'required: the directory holding the registry event log' })
      .min(1),
    /** Global level until a PUT /config, which is persisted and wins from then on. */
    SCHEMA_REGISTRY_DEFAULT_COMPATIBILITY: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.enum(compatibilityLevels))
      .default('BACKWARD'),
    LOG_LEVEL: logLevel,
    SHUTDOWN_TIMEOUT_S: z.coerce.number().positive().default(10),
  })
  .transform((env) => ({
    port: env.SCHEMA_REGISTRY_PORT,
    host: env.SCHEMA_REGISTRY_HOST,
    dataDir: path.resolve(env.SCHEMA_REGISTRY_DATA_DIR),
    defaultCompatibility: env.SCHEMA_REGISTRY_DEFAULT_COMPATIBILITY,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_S * 1000,
  }));

export type RegistryConfig = z.output<typeof registryConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  return parseConfig(registryConfigSchema, env);
}
