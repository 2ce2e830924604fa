import { AppError, BoundedCache, errorCode, type AvroSerde } from '@retail-stream/runtime';
import {
  catalogue,
  eventTypeOfFullName,
  lookupAll,
  registerAll,
  type RegisterOptions,
} from '@retail-stream/schemas';
import type avro from 'avsc';

/** How a writer schema id decodes: into the catalogue's current type of a store event. */
export interface WriterSchema {
  eventType: string;
  /** The catalogue's type for eventType; decoded values always have its shape. */
  readerType: avro.Type;
  /** Set when the writer schema differs from the catalogue's (an older or newer store build). */
  resolver: avro.Resolver | undefined;
  /** True when the writer schema is exactly the catalogue's, so its bytes are the catalogue's. */
  current: boolean;
}

export type WriterLookup =
  | { ok: true; writer: WriterSchema }
  | { ok: false; code: 'UNKNOWN_SCHEMA_ID' | 'UNKNOWN_EVENT_TYPE' | 'UNDECODABLE'; message: string };

export interface EventSchemasOptions {
  serde: AvroSerde;
  registryUrl: string;
  register: boolean;
  timeoutMs: number;
  /** How long a registry 404 for an id is remembered (a poison flood must not hammer the registry). */
  unknownIdTtlMs?: number;
  /** Most schema ids remembered, known and unknown each (ids come from record bytes: bounded). */
  maxCachedIds?: number;
}

/**
 * Registry ids of the catalogue (what enriched records are written with) and the writer schemas
 * met on the input, fetched once per id. After `prepare(ids)` for a batch, every lookup is
 * synchronous, so the per-record work has no awaits.
 */
export class EventSchemas {
  private readonly ids = new Map<string, number>();
  // Ids the registry resolved: bounded by what the registry holds, the bound only guards it.
  private readonly writers: BoundedCache<number, WriterLookup>;
  // Ids the registry does not know: chosen freely by whoever writes the topic, so bounded and
  // expiring. An id evicted here during a flood reads as unknown too (see writer()).
  private readonly unknownUntil: BoundedCache<number, number>;

  constructor(private readonly opts: EventSchemasOptions) {
    const max = opts.maxCachedIds ?? 10_000;
    this.writers = new BoundedCache({ max });
    this.unknownUntil = new BoundedCache({ max });
  }

  /** Entries held (tests): each stays at or below maxCachedIds whatever ids arrive. */
  cacheSizes(): { known: number; unknown: number } {
    return { known: this.writers.size, unknown: this.unknownUntil.size };
  }

  /** Registers or looks up the catalogue (throws on failure; the caller retries). */
  async init(): Promise<void> {
    const timedFetch: typeof fetch = (input, init) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs) });
    const options: RegisterOptions = { registryUrl: this.opts.registryUrl, fetch: timedFetch };
    const found = this.opts.register ? await registerAll(this.opts.serde, options) : await lookupAll(options);
    for (const [eventType, id] of Object.entries(found)) this.ids.set(eventType, id);
  }

  idOf(eventType: string): number {
    const id = this.ids.get(eventType);
    if (id === undefined) throw new AppError('SCHEMA_ID_UNKNOWN', `no registry id for ${eventType}`);
    return id;
  }

  /**
   * Fetches writer schemas not seen yet. A 404 marks the id unknown (poison); a registry that cannot
   * answer throws a retriable error, so the batch waits instead of dead-lettering good records.
   */
  async prepare(ids: Iterable<number>, now = Date.now()): Promise<void> {
    for (const id of ids) {
      if (this.writers.has(id) || (this.unknownUntil.get(id) ?? 0) > now) continue;
      try {
        const type = await this.opts.serde.typeFor(id);
        this.writers.set(id, this.describe(id, type));
        this.unknownUntil.delete(id);
      } catch (err) {
        if (errorCode(err) !== 'UNKNOWN_SCHEMA') throw err;
        this.unknownUntil.set(id, now + (this.opts.unknownIdTtlMs ?? 60_000));
      }
    }
  }

  /**
   * Synchronous after prepare(). An id not resolved is unknown: prepare() found no schema for it
   * (a registry that could not answer throws there, so the batch never gets here), or it was
   * evicted from the bounded negative cache by a flood of other forged ids in the same batch.
   */
  writer(id: number): WriterLookup | undefined {
    return (
      this.writers.get(id) ?? {
        ok: false,
        code: 'UNKNOWN_SCHEMA_ID',
        message: `schema id ${id} is not in the registry`,
      }
    );
  }

  private describe(id: number, type: avro.Type): WriterLookup {
    const eventType = type.name ? eventTypeOfFullName(type.name) : undefined;
    const schema = eventType ? catalogue.events.get(eventType) : undefined;
    if (!eventType || !schema || schema.category !== 'store') {
      return {
        ok: false,
        code: 'UNKNOWN_EVENT_TYPE',
        message: `schema id ${id} is ${type.name ?? 'an unnamed type'}, not a store event`,
      };
    }
    const current = this.ids.get(eventType) === id;
    let resolver: avro.Resolver | undefined;
    if (!current) {
      try {
        resolver = schema.type.createResolver(type);
      } catch (err) {
        return {
          ok: false,
          code: 'UNDECODABLE',
          message: `schema id ${id} cannot be read as the current ${eventType}: ${(err as Error).message}`,
        };
      }
    }
    return { ok: true, writer: { eventType, readerType: schema.type, resolver, current } };
  }
}
