import { z } from 'zod';
import { RegistryError, type RegistryErrorCode } from './errors.ts';
import type { SchemaInput, VersionSpec } from './types.ts';

const MAX_VERSION = 2 ** 31 - 1;

const schemaInputSchema = z.object({
  schema: z.string({ error: 'schema must be a string holding the Avro schema JSON' }),
  schemaType: z.string().nullish(),
  references: z
    .array(
      z.object({
        name: z.string().min(1),
        subject: z.string().min(1),
        version: z.number().int().min(1).max(MAX_VERSION),
      }),
    )
    .nullish(),
});

/** Confluent's register/lookup/compatibility body; unknown fields (id, metadata, ruleSet) are ignored. */
export function parseSchemaInput(body: unknown): SchemaInput {
  const parsed = schemaInputSchema.safeParse(body ?? {});
  if (!parsed.success) {
    // A missing or non-string schema is Confluent's 42201; other shape problems are a plain 422.
    const onSchema = parsed.error.issues.some((i) => i.path[0] === 'schema');
    throw fromZod(parsed.error, onSchema ? 'INVALID_SCHEMA' : 'INVALID_REQUEST');
  }
  const { schema, schemaType, references } = parsed.data;
  return { schema, schemaType: schemaType ?? undefined, references: references ?? undefined };
}

/** PUT /config body: `{"compatibility": "..."}`; the level itself is checked by parseCompatibilityLevel. */
export function parseConfigUpdate(body: unknown): unknown {
  return z.object({ compatibility: z.unknown() }).safeParse(body ?? {}).data?.compatibility;
}

/** A version number in [1, 2^31-1], `latest`, or `-1` (Confluent's other spelling of latest). */
export function parseVersionSpec(raw: string): VersionSpec {
  if (raw === 'latest' || raw === '-1') return 'latest';
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= MAX_VERSION) return n;
  throw new RegistryError(
    'INVALID_VERSION',
    `The specified version '${raw}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
}

/** Path ids that are not positive integers cannot name a schema. */
export function parseSchemaId(raw: string): number {
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new RegistryError('SCHEMA_NOT_FOUND', `Schema ${raw} not found`);
  return id;
}

const flag = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v.at(-1) : v)?.toLowerCase() === 'true');

const flagsSchema = z.object({
  deleted: flag,
  permanent: flag,
  defaultToGlobal: flag,
  verbose: flag,
});

export type QueryFlags = z.infer<typeof flagsSchema>;

/** Boolean query parameters; like Confluent (Jersey), anything but `true` means false. */
export function parseFlags(query: unknown): QueryFlags {
  const parsed = flagsSchema.safeParse(query ?? {});
  if (!parsed.success) throw fromZod(parsed.error, 'INVALID_REQUEST');
  return parsed.data;
}

function fromZod(error: z.ZodError, code: RegistryErrorCode): RegistryError {
  const details = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  return new RegistryError(
    code,
    code === 'INVALID_SCHEMA' ? `Invalid schema: ${details}` : `Invalid request: ${details}`,
  );
}
