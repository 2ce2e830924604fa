import path from 'node:path';
import { z } from 'zod';
import { basicUsersList, boolFromEnv, isLoopbackHost, logLevel, parseConfig } from '@retail-stream/runtime';
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
    /**
     * `user:scrypt$salt$hash,…` (runtime hashPassword). When set, every change (POST/PUT/DELETE
     * except the read-only lookups) needs HTTP basic auth as one of them, Confluent style.
     * `npm run infra:up` generates the password into <RS_DATA_DIR>/secrets/ and sets this.
     */
    SCHEMA_REGISTRY_AUTH_USERS: basicUsersList.optional(),
    /** Also require credentials on reads (GET, lookups, compatibility checks); ops endpoints stay open. */
    SCHEMA_REGISTRY_AUTH_READS: boolFromEnv.default(false),
    /** Hard deletes (`?permanent=true`) destroy the only copy of a schema old records need: off unless enabled. */
    SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE: boolFromEnv.default(false),
    LOG_LEVEL: logLevel,
    SHUTDOWN_TIMEOUT_S: z.coerce.number().positive().default(10),
  })
  .superRefine((env, ctx) => {
    // Off loopback anyone on the network could rewrite the schemas every service decodes with.
    if (!isLoopbackHost(env.SCHEMA_REGISTRY_HOST) && !env.SCHEMA_REGISTRY_AUTH_USERS?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCHEMA_REGISTRY_AUTH_USERS'],
        message: `required when SCHEMA_REGISTRY_HOST (${env.SCHEMA_REGISTRY_HOST}) is not a loopback address`,
      });
    }
  })
  .transform((env) => ({
    port: env.SCHEMA_REGISTRY_PORT,
    host: env.SCHEMA_REGISTRY_HOST,
    dataDir: path.resolve(env.SCHEMA_REGISTRY_DATA_DIR),
    defaultCompatibility: env.SCHEMA_REGISTRY_DEFAULT_COMPATIBILITY,
    auth: {
      users: env.SCHEMA_REGISTRY_AUTH_USERS ?? [],
      reads: env.SCHEMA_REGISTRY_AUTH_READS,
    },
    allowPermanentDelete: env.SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_S * 1000,
  }));

export type RegistryConfig = z.output<typeof registryConfigSchema>;
export type RegistryAuthConfig = RegistryConfig['auth'];

/** Throws ConfigError listing every problem at once. */
export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  return parseConfig(registryConfigSchema, env);
}
