import type { z } from 'zod';
import { parseConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';

/**
 * The ConfigError a part's config raises for `env`: what every "lists every problem at once" test
 * checks. Throws when `env` parses, or when parsing fails in another way than a ConfigError.
 */
export function configError(schema: z.ZodType, env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError, but ${JSON.stringify(env)} parsed`);
}

/** The names of the settings refused in `env`, in the order the config reports its problems. */
export function refusedSettings(schema: z.ZodType, env: Record<string, string | undefined>): string[] {
  return configError(schema, env).problems.map((p) => p.split(':')[0]!);
}
