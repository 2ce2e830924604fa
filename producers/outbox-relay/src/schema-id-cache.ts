import { errorCode, type AvroSerde, type Logger } from '@retail-stream/runtime';
import { catalogue, lookupAll, registerAll, type RegisterOptions } from '@retail-stream/schemas';
import type pg from 'pg';
import { schemaFingerprint } from './schema-fingerprint.ts';

export interface SchemaIdCacheOptions {
  registryUrl: string;
  db: pg.Pool;
  serde: AvroSerde;
  logger: Logger;
  timeoutMs: number;
  /** Register the catalogue instead of only looking it up (demos; normally CI/deploy registers). */
  register?: boolean;
  /** For tests: the registry calls. */
  lookup?: (opts: RegisterOptions) => Promise<Record<string, number>>;
}

/**
 * Schema ids of the catalogue's store events. Learned from the registry (RecordNameStrategy
 * subjects, exact schema text) and kept in memory and in the store database (relay_schema_ids),
 * so publishing needs the registry only for a schema the relay has never seen: a registry outage,
 * even across a relay restart, does not stop publishing of known event types.
 *
 * Encoding uses the catalogue's own avsc types (identical to the registered schema: the lookup
 * matched its exact text), so no schema text has to be fetched back from the registry.
 */
export class SchemaIdCache {
  private readonly ids = new Map<string, number>();
  private readonly fingerprints = new Map(catalogue.storeEventTypes.map((t) => [t, schemaFingerprint(t)]));
  private refreshing: Promise<boolean> | undefined;

  constructor(private readonly opts: SchemaIdCacheOptions) {}

  idFor = (eventType: string): number | undefined => this.ids.get(eventType);

  get knownCount(): number {
    return this.ids.size;
  }

  /** Loads remembered ids, then asks the registry (a failure there is logged, not thrown). */
  async init(): Promise<void> {
    await this.loadPersisted();
    await this.refresh();
  }

  async loadPersisted(): Promise<void> {
    const { rows } = await this.opts.db.query<{ event_type: string; fingerprint: string; schema_id: number }>(
      'SELECT event_type, fingerprint, schema_id FROM relay_schema_ids WHERE registry_url = $1',
      [this.opts.registryUrl],
    );
    let loaded = 0;
    for (const r of rows) {
      // Only ids of the exact schemas this build encodes with; others belong to older/newer builds.
      if (this.fingerprints.get(r.event_type) === r.fingerprint) {
        this.ids.set(r.event_type, r.schema_id);
        loaded++;
      }
    }
    if (loaded > 0) this.opts.logger.info({ loaded }, 'schema ids loaded from the store database');
  }

  /**
   * Asks the registry for every id and remembers them. Concurrent callers share one request.
   * Returns false (and keeps what it had) when the registry cannot answer.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const { registryUrl, timeoutMs, logger } = this.opts;
    const timedFetch: typeof fetch = (input, init) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const options: RegisterOptions = { registryUrl, fetch: timedFetch };
    let found: Record<string, number>;
    try {
      if (this.opts.lookup) found = await this.opts.lookup(options);
      else if (this.opts.register) found = await registerAll(this.opts.serde, options);
      else found = await lookupAll(options);
    } catch (err) {
      logger.warn(
        { err, code: errorCode(err), known: this.ids.size },
        'schema registry not reachable; publishing continues with the schema ids already known',
      );
      return false;
    }
    const changed: { event_type: string; fingerprint: string; schema_id: number }[] = [];
    for (const eventType of catalogue.storeEventTypes) {
      const id = found[eventType];
      if (id === undefined) continue;
      if (this.ids.get(eventType) !== id)
        changed.push({
          event_type: eventType,
          fingerprint: this.fingerprints.get(eventType)!,
          schema_id: id,
        });
      this.ids.set(eventType, id);
    }
    if (changed.length > 0) {
      await this.opts.db.query(
        `INSERT INTO relay_schema_ids (registry_url, event_type, fingerprint, schema_id)
         SELECT $1, e.event_type, e.fingerprint, e.schema_id
           FROM jsonb_to_recordset($2::jsonb) AS e(event_type text, fingerprint text, schema_id integer)
         ON CONFLICT (registry_url, event_type, fingerprint) DO UPDATE
           SET schema_id = EXCLUDED.schema_id, learned_at = now()`,
        [registryUrl, JSON.stringify(changed)],
      );
      logger.info(
        { ids: Object.fromEntries(changed.map((c) => [c.event_type, c.schema_id])) },
        'schema ids learned from the registry',
      );
    }
    return true;
  }
}
