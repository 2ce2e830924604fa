import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { BoundedCache } from './bounded-cache.ts';
import { AppError, ConfigError, TransientError, ValidationError } from './errors.ts';
import type { SchemaRegistryConfig } from './service-config.ts';
import { bodyOf, frame, readSchemaId } from './wire-format.ts';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export type SubjectStrategy = 'RecordNameStrategy' | 'TopicRecordNameStrategy';

/** Subject for a record type; both strategies allow several record types on one topic. */
export function subjectFor(strategy: SubjectStrategy, topic: string, recordFullName: string): string {
  return strategy === 'RecordNameStrategy' ? recordFullName : `${topic}-${recordFullName}`;
}

export interface Decoded<T = unknown> {
  schemaId: number;
  /** avsc type the value was written with; its name tells the record type. */
  type: avro.Type;
  value: T;
}

/**
 * Avro through a Confluent-compatible registry (framing: wire-format.ts). Types are fetched once per schema id and kept, so
 * encoding and decoding are synchronous avsc calls afterwards and keep working while the registry
 * is down for schemas already seen (the relay must keep publishing through a registry outage).
 */
export class AvroSerde {
  /**
   * Schema ids come from record bytes anyone able to write a topic chooses, so both caches are
   * bounded: resolvable ids are limited by what the registry holds (far below the bound), and ids
   * the registry does not know are remembered briefly so a flood of forged ids costs one registry
   * call per id per TTL, not one per record, and never grows memory past the bound.
   */
  static readonly MAX_CACHED_TYPES: number = 10_000;
  static readonly MAX_UNKNOWN_IDS: number = 10_000;
  static readonly UNKNOWN_ID_TTL_MS: number = 5_000;
  // Read through the constructor so a subclass (a test) can lower the bounds.
  private readonly bounds = this.constructor as typeof AvroSerde;
  private readonly types = new BoundedCache<number, avro.Type>({ max: this.bounds.MAX_CACHED_TYPES });
  private readonly unknownIds = new BoundedCache<number, AppError>({
    max: this.bounds.MAX_UNKNOWN_IDS,
    ttlMs: this.bounds.UNKNOWN_ID_TTL_MS,
  });
  private readonly pending = new Map<number, Promise<avro.Type>>();

  /**
   * @param authorization the `Authorization` header value the registry client sends, for callers
   *   that must reach registry routes the client library does not expose (PUT /config/<subject>).
   */
  constructor(
    readonly registry: SchemaRegistry,
    readonly authorization?: string,
  ) {}

  /** A registry without authentication (reads, or a registry of a test's own). */
  static fromUrl(url: string): AvroSerde {
    return AvroSerde.fromConfig({ SCHEMA_REGISTRY_URL: url });
  }

  /** From the service's schemaRegistryConfig: URL and, when the registry wants them, basic-auth credentials. */
  static fromConfig(config: SchemaRegistryConfig): AvroSerde {
    const { SCHEMA_REGISTRY_USERNAME: username, SCHEMA_REGISTRY_PASSWORD: password } = config;
    if ((username === undefined) !== (password === undefined)) {
      throw new ConfigError(['SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD: set both or neither']);
    }
    const auth = username && password ? { username, password } : undefined;
    return new AvroSerde(
      new SchemaRegistry({
        host: config.SCHEMA_REGISTRY_URL,
        ...(auth ? { auth } : {}),
        retry: { retries: 2, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 1 },
      }),
      auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined,
    );
  }

  /**
   * Registers (or finds) the schema under subject and returns its global id. The client checks
   * that the subject's configured level equals `compatibility` (and sets it on first registration),
   * so pass the level the subject is meant to have.
   */
  async register(
    schema: object,
    subject: string,
    opts: { references?: SchemaReference[]; compatibility?: keyof typeof COMPATIBILITY } = {},
  ): Promise<number> {
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema), references: opts.references },
        { subject, compatibility: COMPATIBILITY[opts.compatibility ?? 'BACKWARD'] },
      );
      return id;
    } catch (err) {
      throw toSerdeError(err, `register ${subject}`);
    }
  }

  async typeFor(schemaId: number): Promise<avro.Type> {
    const known = this.types.get(schemaId);
    if (known) return known;
    const refused = this.unknownIds.get(schemaId);
    if (refused) throw refused;
    let inflight = this.pending.get(schemaId);
    if (!inflight) {
      inflight = this.registry
        .getSchema(schemaId)
        .then((schema) => {
          const type = schema as unknown as avro.Type;
          this.types.set(schemaId, type);
          return type;
        })
        .catch((err: unknown) => {
          const serdeError = toSerdeError(err, `schema id ${schemaId}`);
          if (serdeError.code === 'UNKNOWN_SCHEMA') this.unknownIds.set(schemaId, serdeError);
          throw serdeError;
        })
        .finally(() => this.pending.delete(schemaId));
      this.pending.set(schemaId, inflight);
    }
    return inflight;
  }

  /** Entries held, for tests and gauges: both stay at or below their bounds whatever ids arrive. */
  cacheSizes(): { types: number; unknownIds: number } {
    return { types: this.types.size, unknownIds: this.unknownIds.size };
  }

  /** Encodes with a schema id whose type is already loaded (see typeFor); throws on invalid values. */
  async encode(schemaId: number, value: unknown): Promise<Buffer> {
    return this.encodeWith(schemaId, await this.typeFor(schemaId), value);
  }

  /**
   * avsc's writers throw on any value that does not match the type, so the value is written first
   * and walked with isValid only when that fails, to name the bad fields: one pass per record on
   * the hot path (KPI updates, reference data) instead of two.
   */
  encodeWith(schemaId: number, type: avro.Type, value: unknown): Buffer {
    let body: Buffer;
    try {
      body = type.toBuffer(value);
    } catch (err) {
      const paths: string[] = [];
      type.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(root)') });
      throw new ValidationError(
        'AVRO_INVALID_VALUE',
        `value does not match ${type.name ?? 'schema'} at ${paths.join(', ') || (err as Error).message}`,
        { paths },
      );
    }
    return frame(schemaId, body);
  }

  /**
   * Decodes synchronously when the writer schema is already loaded, undefined when it is not (the
   * caller then awaits `decode`, once per new schema id): a consumer loop pays no promise per record.
   * Throws like `decode` for bytes that are not wire format or do not decode.
   */
  decodeLoaded<T = unknown>(buf: Buffer): Decoded<T> | undefined {
    const schemaId = readSchemaId(buf);
    const type = this.types.get(schemaId);
    return type === undefined ? undefined : decodeBody<T>(schemaId, type, buf);
  }

  async decode<T = unknown>(buf: Buffer): Promise<Decoded<T>> {
    const schemaId = readSchemaId(buf);
    const type = this.types.get(schemaId) ?? (await this.typeFor(schemaId));
    return decodeBody<T>(schemaId, type, buf);
  }
}

function decodeBody<T>(schemaId: number, type: avro.Type, buf: Buffer): Decoded<T> {
  try {
    return { schemaId, type, value: type.fromBuffer(bodyOf(buf)) as T };
  } catch (err) {
    throw new ValidationError(
      'AVRO_DECODE_FAILED',
      `cannot decode body with schema ${schemaId}: ${(err as Error).message}`,
    );
  }
}

function toSerdeError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const status = (err as { status?: number }).status;
  const message = (err as Error).message ?? String(err);
  // Retrying with the same credentials cannot help: stop with the cause named, not as an outage.
  if (status === 401 || status === 403) {
    return new AppError(
      'REGISTRY_UNAUTHENTICATED',
      `${what}: the registry refused the credentials (${message}); check SCHEMA_REGISTRY_USERNAME/PASSWORD`,
      { cause: err },
    );
  }
  if (status === 404 || /not found/i.test(message)) {
    return new ValidationError('UNKNOWN_SCHEMA', `${what}: ${message}`);
  }
  if (status === 409 || /incompatible/i.test(message)) {
    return new ValidationError('SCHEMA_INCOMPATIBLE', `${what}: ${message}`);
  }
  if (status === 422 || /invalid/i.test(message)) {
    return new ValidationError('SCHEMA_INVALID', `${what}: ${message}`);
  }
  return new TransientError('REGISTRY_UNAVAILABLE', `${what}: ${message}`, err);
}
