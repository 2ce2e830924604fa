import { z } from 'zod';
import { compatibilityLevels } from './compatibility-level.ts';

const reference = z.object({ name: z.string(), subject: z.string(), version: z.number().int() });

/**
 * The registry's state is the fold of these events; they are what persistence.ts writes, one per
 * line, and replays on start. Each event is already validated when it is emitted, so applying one
 * cannot fail — which is what makes replay deterministic.
 */
export const registryEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('schema-registered'),
    subject: z.string(),
    version: z.number().int().positive(),
    id: z.number().int().positive(),
    schema: z.string(),
    references: z.array(reference),
  }),
  z.object({
    type: z.literal('version-deleted'),
    subject: z.string(),
    version: z.number().int().positive(),
    permanent: z.boolean(),
  }),
  z.object({ type: z.literal('subject-deleted'), subject: z.string(), permanent: z.boolean() }),
  z.object({
    type: z.literal('compatibility-set'),
    /** null = the global level. */
    subject: z.string().nullable(),
    level: z.enum(compatibilityLevels),
  }),
  z.object({ type: z.literal('compatibility-deleted'), subject: z.string() }),
]);

export type RegistryEvent = z.infer<typeof registryEventSchema>;

/** Where the store sends an event before applying it; the store only changes once this returns. */
export interface EventSink {
  append(event: RegistryEvent): void;
}
