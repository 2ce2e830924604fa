import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { AppError, TransientError, ValidationError, type AvroSerde } from '@retail-stream/runtime';
import { catalogue, type NamedSchema } from './catalogue.ts';

/**
 * Registers the catalogue with a Confluent-compatible schema registry under RecordNameStrategy
 * (subject = full record name). Referenced types are registered first and referenced by
 * (name, subject, version), the Confluent way; every subject is set to BACKWARD_TRANSITIVE
 * before its schema is registered, so the registry refuses an incompatible change.
 */

export type Compatibility = `${COMPATIBILITY}`;

export const DEFAULT_COMPATIBILITY: Compatibility = 'BACKWARD_TRANSITIVE';

export interface RegisterOptions {
  /**
   * Registry base URL. Needed besides the serde for what the client library does not expose:
   * PUT /config/<subject> and the version lookups references need.
   */
  registryUrl: string;
  /** Prepended to every subject, references included (tests use a unique one per run). */
  subjectPrefix?: string;
  compatibility?: Compatibility;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface RegisteredSchema {
  fullName: string;
  subject: string;
  id: number;
  version: number;
  references: { name: string; subject: string; version: number }[];
}

/**
 * Registers every catalogue type, dependencies first. Idempotent: an unchanged schema keeps its
 * id and adds no version. Returns event type → schema id (what producers put in the wire header).
 */
export async function registerAll(
  serde: AvroSerde,
  options: RegisterOptions,
): Promise<Record<string, number>> {
  const registered = await registerSchemas(serde, catalogue.schemas, options);
  return idsByEventType(registered);
}

/**
 * Looks up the ids of the catalogue's current schemas without registering anything (for services
 * that must not register: registration belongs to CI/deploy). Fails with UNKNOWN_SCHEMA when a
 * schema is not registered yet.
 */
export async function lookupAll(options: RegisterOptions): Promise<Record<string, number>> {
  const registered = new Map<string, RegisteredSchema>();
  for (const schema of catalogue.schemas) {
    const subject = subjectName(schema.fullName, options);
    const references = referencesOf(schema, registered, options);
    const found = await lookupVersion(subject, schema, references, options);
    registered.set(schema.fullName, { fullName: schema.fullName, subject, references, ...found });
  }
  return idsByEventType(registered);
}

/**
 * Registers `schemas` (dependencies before dependants, as SchemaSet.schemas are ordered) and
 * returns what each got, by full name. Throws on the first failure, naming the type:
 * SCHEMA_INCOMPATIBLE (409), SCHEMA_INVALID (422), REGISTRY_UNAVAILABLE (network, 5xx).
 */
export async function registerSchemas(
  serde: AvroSerde,
  schemas: readonly NamedSchema[],
  options: RegisterOptions,
): Promise<Map<string, RegisteredSchema>> {
  const compatibility = options.compatibility ?? DEFAULT_COMPATIBILITY;
  const registered = new Map<string, RegisteredSchema>();
  for (const schema of schemas) {
    const subject = subjectName(schema.fullName, options);
    const references = referencesOf(schema, registered, options);
    const what = `${schema.fullName} (subject ${subject})`;

    // Set the level before the first version exists (Confluent allows it), so the client's own
    // "level must match" check passes and the very first change is already checked transitively.
    await registryRequest(options, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility }, what);

    let id: number;
    try {
      ({ id } = await serde.registry.register(
        {
          type: SchemaType.AVRO,
          schema: schema.schemaText,
          ...(references.length > 0 ? { references } : {}),
        },
        { subject, compatibility: COMPATIBILITY[compatibility] },
      ));
    } catch (err) {
      throw registrationError(err, what);
    }
    const found = await lookupVersion(subject, schema, references, options);
    if (found.id !== id) {
      throw new ValidationError(
        'SCHEMA_ID_MISMATCH',
        `${what}: registered as id ${id} but looked up as ${found.id}`,
      );
    }
    registered.set(schema.fullName, {
      fullName: schema.fullName,
      subject,
      id,
      version: found.version,
      references,
    });
  }
  return registered;
}

export function subjectName(fullName: string, options: Pick<RegisterOptions, 'subjectPrefix'> = {}): string {
  return `${options.subjectPrefix ?? ''}${fullName}`;
}

// ── helpers ──────────────────────────────────────────────────────────────────

function idsByEventType(registered: ReadonlyMap<string, RegisteredSchema>): Record<string, number> {
  return Object.fromEntries(
    catalogue.eventTypes.map((eventType) => {
      const fullName = catalogue.events.get(eventType)!.fullName;
      return [eventType, registered.get(fullName)!.id];
    }),
  );
}

function referencesOf(
  schema: NamedSchema,
  registered: ReadonlyMap<string, RegisteredSchema>,
  options: RegisterOptions,
): RegisteredSchema['references'] {
  return schema.references.map((ref) => {
    const dependency = registered.get(ref.name);
    if (!dependency) {
      throw new ValidationError(
        'SCHEMA_REFERENCE_ORDER',
        `${schema.fullName} references ${ref.name}, which has not been registered before it`,
      );
    }
    return { name: ref.name, subject: subjectName(ref.subject, options), version: dependency.version };
  });
}

/** POST /subjects/<subject>: which version (and id) of the subject holds exactly this schema. */
async function lookupVersion(
  subject: string,
  schema: NamedSchema,
  references: RegisteredSchema['references'],
  options: RegisterOptions,
): Promise<{ id: number; version: number }> {
  const body = { schema: schema.schemaText, ...(references.length > 0 ? { references } : {}) };
  const what = `${schema.fullName} (subject ${subject})`;
  const found = (await registryRequest(
    options,
    'POST',
    `/subjects/${encodeURIComponent(subject)}`,
    body,
    what,
  )) as {
    id?: unknown;
    version?: unknown;
  };
  if (typeof found.id !== 'number' || typeof found.version !== 'number') {
    throw new TransientError('REGISTRY_BAD_RESPONSE', `${what}: lookup answered ${JSON.stringify(found)}`);
  }
  return { id: found.id, version: found.version };
}

async function registryRequest(
  options: RegisterOptions,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body: unknown,
  what: string,
): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.registryUrl.replace(/\/+$/, '')}${path}`;
  let res: Response;
  try {
    res = await doFetch(url, {
      method,
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new TransientError(
      'REGISTRY_UNAVAILABLE',
      `${what}: ${method} ${url}: ${(err as Error).message}`,
      err,
    );
  }
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text for the error message
  }
  if (!res.ok) {
    const message = (data as { message?: string } | undefined)?.message ?? text;
    throw registrationError({ status: res.status, message: `${method} ${path}: ${message}` }, what);
  }
  return data;
}

function registrationError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const status = (err as { status?: number }).status;
  const message = (err as { message?: string }).message ?? String(err);
  const details = { status, message };
  if (status === 409)
    return new ValidationError('SCHEMA_INCOMPATIBLE', `${what} is incompatible: ${message}`, details);
  if (status === 422 || status === 400)
    return new ValidationError('SCHEMA_INVALID', `${what} is invalid: ${message}`, details);
  if (status === 404) return new ValidationError('UNKNOWN_SCHEMA', `${what}: ${message}`, details);
  if (err instanceof Error && err.name === 'ConfluentSchemaRegistryCompatibilityError') {
    return new ValidationError('SCHEMA_COMPATIBILITY_LEVEL', `${what}: ${message}`, details);
  }
  return new TransientError('REGISTRY_UNAVAILABLE', `${what}: ${message}`, err);
}
