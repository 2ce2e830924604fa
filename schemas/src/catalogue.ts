import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { NAMESPACES, TOPICS, type Topic } from './topics.ts';

/**
 * The Avro event catalogue: every `schemas/avro/*.avsc` file, parsed once at module load (pure and
 * synchronous afterwards), with what producers and consumers need to route and (de)serialise.
 *
 * One file defines exactly one named type (record or enum). Types used by several records
 * (`retail.events.StockChange`, `retail.events.PaymentMethod`, …) live in their own file and are
 * referenced by full name. Towards the registry each top-level record is composed into one
 * self-contained schema (compose.ts); `references` below serve the pre-issue-15 layout and ordering.
 */

/** Directory of the `.avsc` files (inside this package). */
export const AVRO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'avro');

export { NAMESPACES, TOPICS, type Topic } from './topics.ts';

/** Fields every store event starts with, in this order. */
export const ENVELOPE_FIELDS = [
  'event_id',
  'event_type',
  'store_id',
  'terminal_id',
  'cashier_id',
  'store_seq',
  'occurred_at',
  'trace_id',
] as const;

/** A `.avsc` file's parsed JSON (named types only: one per file). */
export interface AvroNamedSchema {
  type: 'record' | 'enum';
  name: string;
  namespace?: string;
  doc?: string;
  fields?: AvroField[];
  symbols?: string[];
  [attribute: string]: unknown;
}

export interface AvroField {
  name: string;
  type: unknown;
  doc?: string;
  default?: unknown;
  [attribute: string]: unknown;
}

/** A reference to another catalogue type; the registry version is filled in at registration. */
export interface TypeReference {
  /** Full name of the referenced type, exactly as the schema text uses it. */
  name: string;
  /** Its subject under RecordNameStrategy (= the full name). */
  subject: string;
}

export interface SchemaFile {
  /** File name, e.g. `SaleRecorded.avsc`; must equal the type's simple name plus `.avsc`. */
  file: string;
  text: string;
}

export interface NamedSchema {
  name: string;
  namespace: string;
  fullName: string;
  kind: 'record' | 'enum';
  file: string;
  /** The file's JSON (deep-frozen). References to other types are by full name, not inlined. */
  schema: AvroNamedSchema;
  /** The schema as sent to the registry (compact JSON of `schema`). */
  schemaText: string;
  /** Direct references to other named types, in dependency order; empty when self-contained. */
  references: readonly TypeReference[];
  /** Subject under RecordNameStrategy: the full name. */
  subject: string;
  /** avsc type, built in a registry shared by the whole set, so references resolve. */
  type: avro.Type;
}

export type EventCategory = 'store' | 'reference' | 'kpi';

export interface EventSchema extends NamedSchema {
  kind: 'record';
  /** Record name, e.g. `SaleRecorded`; for store events also the value of the `event_type` field. */
  eventType: string;
  category: EventCategory;
  topic: Topic;
  /** Fields whose values make the Kafka key (joined by `|` when several; see messageKey). */
  keyFields: readonly string[];
}

export interface SchemaSet {
  /** Every named type, dependencies before dependants (registration order). */
  schemas: readonly NamedSchema[];
  byFullName: ReadonlyMap<string, NamedSchema>;
  /** avsc registry holding every type by full name. */
  registry: Readonly<Record<string, avro.Type>>;
}

export interface Catalogue extends SchemaSet {
  /** Record types that travel as Kafka values: store events, then reference data, then KPI output. */
  eventTypes: readonly string[];
  storeEventTypes: readonly string[];
  events: ReadonlyMap<string, EventSchema>;
}

/** Routing of the records outside `retail.events` (store events are routed by their namespace). */
const ROOT_ROUTES: Record<string, { topic: Topic; keyFields: readonly string[] }> = {
  'retail.ref.StoreUpserted': { topic: TOPICS.refStores, keyFields: ['store_id'] },
  'retail.ref.ProductUpserted': { topic: TOPICS.refProducts, keyFields: ['sku'] },
  'retail.kpi.KpiWindowUpdated': {
    topic: TOPICS.kpiWindows,
    keyFields: ['scope', 'window_size', 'window_start'],
  },
  'retail.ops.SequenceGapDetected': { topic: TOPICS.opsAlerts, keyFields: ['store_id'] },
};

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

export class SchemaCatalogueError extends Error {
  override name = 'SchemaCatalogueError';
}

/**
 * Parses a set of `.avsc` files (one named type each) into types in dependency order with their
 * references. Used for the working tree (the catalogue) and for historical snapshots (CI).
 */
export function parseSchemaSet(files: readonly SchemaFile[]): SchemaSet {
  const parsed = new Map<
    string,
    { file: string; schema: AvroNamedSchema; fullName: string; refs: string[] }
  >();
  for (const { file, text } of files) {
    let schema: AvroNamedSchema;
    try {
      schema = JSON.parse(text) as AvroNamedSchema;
    } catch (err) {
      throw new SchemaCatalogueError(`${file}: not valid JSON (${(err as Error).message})`);
    }
    if (
      schema === null ||
      typeof schema !== 'object' ||
      (schema.type !== 'record' && schema.type !== 'enum')
    ) {
      throw new SchemaCatalogueError(`${file}: must define one record or enum`);
    }
    const fullName = qualify(schema.name, schema.namespace ?? '');
    if (`${simpleName(fullName)}.avsc` !== path.basename(file)) {
      throw new SchemaCatalogueError(
        `${file}: defines ${fullName}; the file must be named ${simpleName(fullName)}.avsc`,
      );
    }
    const defined = new Set<string>();
    const used = new Set<string>();
    collectNames(schema, '', defined, used);
    if (defined.size !== 1) {
      const nested = [...defined].filter((n) => n !== fullName);
      throw new SchemaCatalogueError(
        `${file}: defines ${nested.join(', ')} inline; every named type gets its own file and is referenced by full name`,
      );
    }
    if (parsed.has(fullName)) throw new SchemaCatalogueError(`${file}: ${fullName} is defined twice`);
    parsed.set(fullName, { file, schema, fullName, refs: [...used].filter((n) => !defined.has(n)) });
  }

  // Dependencies first (depth-first topological sort, names sorted for a stable order).
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, from: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new SchemaCatalogueError(`reference cycle: ${[...from, name].join(' -> ')}`);
    }
    const entry = parsed.get(name);
    if (!entry) {
      throw new SchemaCatalogueError(`${from.at(-1)} references ${name}, which no .avsc file defines`);
    }
    state.set(name, 'visiting');
    for (const ref of [...entry.refs].sort()) visit(ref, [...from, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...parsed.keys()].sort()) visit(name, []);

  const simpleNames = new Map<string, string>();
  for (const fullName of order) {
    const other = simpleNames.get(simpleName(fullName));
    if (other) {
      // Simple names become TypeScript type names and event types, so they must not collide.
      throw new SchemaCatalogueError(
        `${fullName} and ${other} share the simple name ${simpleName(fullName)}`,
      );
    }
    simpleNames.set(simpleName(fullName), fullName);
  }

  const rank = new Map(order.map((n, i) => [n, i]));
  const registry: Record<string, avro.Type> = {};
  const schemas: NamedSchema[] = [];
  for (const fullName of order) {
    const { file, schema, refs } = parsed.get(fullName)!;
    let type: avro.Type;
    try {
      // avsc does not keep the object, but a copy makes sure the frozen original is never touched.
      type = avro.Type.forSchema(structuredClone(schema) as avro.Schema, {
        registry,
        noAnonymousTypes: true,
      });
    } catch (err) {
      throw new SchemaCatalogueError(`${file}: ${(err as Error).message}`);
    }
    schemas.push({
      name: simpleName(fullName),
      namespace: namespaceOf(fullName),
      fullName,
      kind: schema.type,
      file,
      schema: deepFreeze(schema),
      schemaText: JSON.stringify(schema),
      references: refs.sort((a, b) => rank.get(a)! - rank.get(b)!).map((name) => ({ name, subject: name })),
      subject: fullName,
      type,
    });
  }
  return {
    schemas,
    byFullName: new Map(schemas.map((s) => [s.fullName, s])),
    registry,
  };
}

/** A schema set plus routing: which records are events, on which topic, with which key. */
export function buildCatalogue(files: readonly SchemaFile[]): Catalogue {
  const set = parseSchemaSet(files);
  const referenced = new Set(set.schemas.flatMap((s) => s.references.map((r) => r.name)));
  const events = new Map<string, EventSchema>();
  for (const s of set.schemas) {
    if (s.kind !== 'record') continue;
    const fieldNames = (s.schema.fields ?? []).map((f) => f.name);
    let route: { topic: Topic; keyFields: readonly string[]; category: EventCategory } | undefined;
    if (s.namespace === NAMESPACES.events) {
      // Store events are the records with the envelope; the rest of the namespace is shared parts.
      if (fieldNames[1] === 'event_type')
        route = { topic: TOPICS.posEvents, keyFields: ['store_id'], category: 'store' };
    } else if (!referenced.has(s.fullName)) {
      const root = ROOT_ROUTES[s.fullName];
      if (!root) {
        throw new SchemaCatalogueError(
          `${s.file}: ${s.fullName} is a top-level record without a topic; add it to ROOT_ROUTES`,
        );
      }
      route = { ...root, category: s.namespace === NAMESPACES.kpi ? 'kpi' : 'reference' };
    }
    if (!route) continue;
    for (const key of route.keyFields) {
      if (!fieldNames.includes(key)) throw new SchemaCatalogueError(`${s.file}: key field ${key} is missing`);
    }
    if (events.has(s.name))
      throw new SchemaCatalogueError(`${s.file}: event type ${s.name} is defined twice`);
    events.set(s.name, { ...s, kind: 'record', eventType: s.name, ...route });
  }
  const categoryRank: Record<EventCategory, number> = { store: 0, reference: 1, kpi: 2 };
  const eventTypes = [...events.keys()].sort(
    (a, b) =>
      categoryRank[events.get(a)!.category] - categoryRank[events.get(b)!.category] || a.localeCompare(b),
  );
  return {
    ...set,
    eventTypes,
    storeEventTypes: eventTypes.filter((t) => events.get(t)!.category === 'store'),
    events,
  };
}

/** Reads every `.avsc` in `dir` (sorted by file name) and builds the catalogue. */
export function loadCatalogue(dir: string = AVRO_DIR): Catalogue {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()
    .map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), 'utf8') }));
  return buildCatalogue(files);
}

/** The catalogue of this package's `avro/` directory, loaded once. */
export const catalogue: Catalogue = loadCatalogue();

/** Schema, topic, key and avsc type of an event type (`SaleRecorded`, `StoreUpserted`, …). */
export function eventSchema(eventType: string): EventSchema {
  const found = catalogue.events.get(eventType);
  if (!found) {
    throw new SchemaCatalogueError(
      `unknown event type ${JSON.stringify(eventType)}; known: ${catalogue.eventTypes.join(', ')}`,
    );
  }
  return found;
}

export function topicFor(eventType: string): Topic {
  return eventSchema(eventType).topic;
}

/** Subject under RecordNameStrategy: the record's full name, e.g. `retail.events.SaleRecorded`. */
export function subjectOf(eventType: string): string {
  return eventSchema(eventType).subject;
}

/** Event type of a full record name (as a decoded avsc type names it), or undefined. */
export function eventTypeOfFullName(fullName: string): string | undefined {
  const named = catalogue.byFullName.get(fullName);
  const event = named && catalogue.events.get(named.name);
  return event?.fullName === fullName ? event.eventType : undefined;
}

/**
 * Kafka message key of a value: the key field's value, or several joined by `|` (KPI windows:
 * `scope|window_size|window_start`).
 */
export function messageKey(eventType: string, value: Readonly<Record<string, unknown>>): string {
  return eventSchema(eventType)
    .keyFields.map((field) => {
      const v = value[field];
      if (v === undefined || v === null) {
        throw new SchemaCatalogueError(`${eventType}: key field ${field} is missing in the value`);
      }
      return String(v);
    })
    .join('|');
}

// ── helpers ──────────────────────────────────────────────────────────────────

/** Records the full names a schema defines and the (non-primitive) names it uses. */
function collectNames(node: unknown, namespace: string, defined: Set<string>, used: Set<string>): void {
  if (typeof node === 'string') {
    if (!PRIMITIVES.has(node)) used.add(qualify(node, namespace));
    return;
  }
  if (Array.isArray(node)) {
    for (const branch of node) collectNames(branch, namespace, defined, used);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  switch (obj.type) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed': {
      const full = qualify(String(obj.name), typeof obj.namespace === 'string' ? obj.namespace : namespace);
      defined.add(full);
      for (const field of (obj.fields as AvroField[] | undefined) ?? []) {
        collectNames(field.type, namespaceOf(full), defined, used);
      }
      return;
    }
    case 'array':
      collectNames(obj.items, namespace, defined, used);
      return;
    case 'map':
      collectNames(obj.values, namespace, defined, used);
      return;
    default:
      // A primitive with properties (logicalType) or a wrapped name.
      collectNames(obj.type, namespace, defined, used);
  }
}

function qualify(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function namespaceOf(full: string): string {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? '' : full.slice(0, dot);
}

function simpleName(full: string): string {
  return full.slice(full.lastIndexOf('.') + 1);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
