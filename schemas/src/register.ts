import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { AppError, TransientError, ValidationError, type AvroSerde } from '@retail-stream/runtime';
import { catalogue, type Catalogue, type NamedSchema } from './catalogue.ts';
import { composedSchemaText } from './compose.ts';

/**
 * Registers the catalogue with a Confluent-compatible schema registry under RecordNameStrategy
 * (subject = full record name). Every top-level record (each event type, the reference and alert
 * records, KpiWindowUpdated) is registered as ONE self-contained schema (compose.ts), so a schema
 * fetched by id parses on its own; every subject is set to BACKWARD_TRANSITIVE before its schema
 * is registered, so the registry refuses an incompatible change.
 *
 * Until issue 15 each named type had its own subject and records referenced them (Confluent schema
 * references). That layout (`layout: 'references'`) is kept for tests and the history replay: those
 * versions stay in deployed registries, their ids stay valid, and the compatibility check of a new
 * self-contained version runs against them.
 */

export type Compatibility = `${COMPATIBILITY}`;

export const DEFAULT_COMPATIBILITY: Compatibility = 'BACKWARD_TRANSITIVE';

/** `self-contained`: top-level records only, inline; `references`: the pre-issue-15 layout. */
export type SchemaLayout = 'self-contained' | 'references';

export interface RegisterOptions {
  /**
   * Registry base URL. Needed besides the serde for what the client library does not expose:
   * PUT /config/<subject> and the version lookups.
   */
  registryUrl: string;
  /** Prepended to every subject, references included (tests use a unique one per run). */
  subjectPrefix?: string;
  compatibility?: Compatibility;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * `Authorization` header for the registry's own routes (PUT /config needs the registry's basic
   * auth once it has users); registerSchemas defaults it to the serde's (AvroSerde.fromConfig).
   */
  authorization?: string;
  /** Defaults to `self-contained`. */
  layout?: SchemaLayout;
}

export interface RegisteredSchema {
  fullName: string;
  subject: string;
  id: number;
  version: number;
  /** Empty for self-contained schemas. */
  references: { name: string; subject: string; version: number }[];
}

/** One registration: the subject's record, the text sent, the types it references. */
interface Registration {
  fullName: string;
  schemaText: string;
  references: NamedSchema['references'];
}

/**
 * Registers every top-level record of the catalogue. Idempotent: an unchanged schema keeps its id
 * and adds no version. Returns event type → schema id (what producers put in the wire header).
 */
export async function registerAll(
  serde: AvroSerde,
  options: RegisterOptions,
): Promise<Record<string, number>> {
  const registered = await registerSchemas(serde, catalogue, options);
  return idsByEventType(registered);
}

/**
 * Looks up the ids of the catalogue's current schemas without registering anything (for services
 * that must not register: registration belongs to CI/deploy). Fails with UNKNOWN_SCHEMA when a
 * schema is not registered yet.
 */
export async function lookupAll(options: RegisterOptions): Promise<Record<string, number>> {
  const registered = new Map<string, RegisteredSchema>();
  for (const item of registrations(catalogue, options.layout)) {
    const subject = subjectName(item.fullName, options);
    const references = referencesOf(item, registered, options);
    const found = await lookupVersion(subject, item, references, options);
    registered.set(item.fullName, { fullName: item.fullName, subject, references, ...found });
  }
  return idsByEventType(registered);
}

/**
 * Registers a catalogue (the working tree's, or a historical snapshot's `buildCatalogue`) and
 * returns what each subject got, by full name. Throws on the first failure, naming the type:
 * SCHEMA_INCOMPATIBLE (409), SCHEMA_INVALID (422), REGISTRY_UNAVAILABLE (network, 5xx).
 */
export async function registerSchemas(
  serde: AvroSerde,
  set: Pick<Catalogue, 'schemas' | 'byFullName' | 'events'>,
  registerOptions: RegisterOptions,
): Promise<Map<string, RegisteredSchema>> {
  const options = {
    ...registerOptions,
    authorization: registerOptions.authorization ?? serde.authorization,
  };
  const compatibility = options.compatibility ?? DEFAULT_COMPATIBILITY;
  const registered = new Map<string, RegisteredSchema>();
  for (const item of registrations(set, options.layout)) {
    const subject = subjectName(item.fullName, options);
    const references = referencesOf(item, registered, options);
    const what = `${item.fullName} (subject ${subject})`;

    // Set the level before the first version exists (Confluent allows it), so the client's own
    // "level must match" check passes and the very first change is already checked transitively.
    await registryRequest(options, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility }, what);

    let id: number;
    try {
      ({ id } = await serde.registry.register(
        {
          type: SchemaType.AVRO,
          schema: item.schemaText,
          ...(references.length > 0 ? { references } : {}),
        },
        { subject, compatibility: COMPATIBILITY[compatibility] },
      ));
    } catch (err) {
      throw registrationError(err, what);
    }
    const found = await lookupVersion(subject, item, references, options);
    if (found.id !== id) {
      throw new ValidationError(
        'SCHEMA_ID_MISMATCH',
        `${what}: registered as id ${id} but looked up as ${found.id}`,
      );
    }
    registered.set(item.fullName, {
      fullName: item.fullName,
      subject,
      id,
      version: found.version,
      references,
    });
  }
  return registered;
}

/**
 * What a layout registers, in order: the top-level records composed (catalogue order), or every
 * named type with references, dependencies before dependants (as SchemaSet.schemas are ordered).
 */
function registrations(
  set: Pick<Catalogue, 'schemas' | 'byFullName' | 'events'>,
  layout: SchemaLayout = 'self-contained',
): Registration[] {
  if (layout === 'references') return [...set.schemas];
  return [...set.events.values()].map((event) => ({
    fullName: event.fullName,
    schemaText: composedSchemaText(set, event.fullName),
    references: [],
  }));
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
  schema: Registration,
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
  schema: Registration,
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
      headers: {
        'content-type': 'application/vnd.schemaregistry.v1+json',
        accept: 'application/json',
        ...(options.authorization ? { authorization: options.authorization } : {}),
      },
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
