import { RegistryError } from './errors.ts';

/** Confluent's seven levels; the transitive ones compare against every live version, not just the latest. */
export const compatibilityLevels = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof compatibilityLevels)[number];

/** Confluent accepts the level in any letter case and answers in upper case; so do we. */
export function parseCompatibilityLevel(input: unknown): CompatibilityLevel {
  const wanted = typeof input === 'string' ? input.trim().toUpperCase() : undefined;
  const level = compatibilityLevels.find((l) => l === wanted);
  if (level === undefined) {
    throw new RegistryError(
      'INVALID_COMPATIBILITY_LEVEL',
      `Invalid compatibility level${typeof input === 'string' ? ` '${input}'` : ''}. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    );
  }
  return level;
}
