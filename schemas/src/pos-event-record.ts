import { TransientError, ValidationError, type AvroSerde } from '@retail-stream/runtime';
import type avro from 'avsc';
import { catalogue, type EventSchema } from './catalogue.ts';

/**
 * "Store event → Kafka record", in one place, so every path from a store to `retail.pos.events`
 * (the outbox relay straight to Kafka, the HTTPS ingest gateway) writes byte-identical records:
 *
 *  - key: `store_id` (one store = one partition, in `store_seq` order);
 *  - headers: `event_type`, `event_id`, `trace_id` (consumers route, deduplicate and trace without
 *    decoding the value);
 *  - value: Confluent wire format (framed by the runtime serde, runtime/src/wire-format.ts) written
 *    with the catalogue's schema of the event's type and the registry id of exactly that schema.
 *
 * The input is the event as JSON with the Avro field names — what the store writes to its outbox
 * `payload`. The result is structurally a kafkajs `Message`, so this package needs no Kafka client.
 */

export interface PosEventHeaders {
  event_type: string;
  event_id: string;
  trace_id: string;
}

export interface PosEventRecord {
  key: string;
  value: Buffer;
  headers: PosEventHeaders;
}

/** Event type → registry id of the catalogue's schema for it; undefined while not known. */
export type SchemaIdOf = (eventType: string) => number | undefined;

export interface PosEventCheckOptions {
  /**
   * Refuse properties the schema does not declare. Encoding would silently drop them, so a store
   * newer than this catalogue (fields added) would lose data without anyone noticing; refusing
   * makes the version skew visible instead. Off by default (the relay's historical behaviour).
   */
  noUndeclaredFields?: boolean;
}

export type PosEventProblemCode = 'UNKNOWN_EVENT_TYPE' | 'SCHEMA_INVALID';

export interface PosEventProblem {
  code: PosEventProblemCode;
  /** Names the field(s), e.g. `lines.0.quantity: long expected, got "3"`. */
  message: string;
  /** Dotted paths of the offending fields (`(root)` for the event itself). */
  paths: string[];
}

export type PosEventCheck = { ok: true; schema: EventSchema } | { ok: false; problem: PosEventProblem };

/**
 * Is `event` a valid store event of the catalogue? Its `event_type` must name a store event type,
 * and the whole value must be valid against that type's Avro schema. Pure and synchronous.
 */
export function checkPosEvent(event: unknown, opts: PosEventCheckOptions = {}): PosEventCheck {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return problem('SCHEMA_INVALID', '(root): a JSON object expected', ['(root)']);
  }
  const eventType = (event as { event_type?: unknown }).event_type;
  const schema = typeof eventType === 'string' ? catalogue.events.get(eventType) : undefined;
  if (!schema || schema.category !== 'store') {
    const known = catalogue.storeEventTypes.join(', ');
    return problem(
      'UNKNOWN_EVENT_TYPE',
      `event_type: ${describeValue(eventType)} is not a store event type (known: ${known})`,
      ['event_type'],
    );
  }
  const issues: { path: string; text: string }[] = [];
  const valid = schema.type.isValid(event, {
    noUndeclaredFields: opts.noUndeclaredFields === true,
    errorHook: (path: string[], value: unknown, type: avro.Type) => {
      issues.push({ path: path.join('.') || '(root)', text: describeIssue(value, type, opts) });
    },
  });
  if (valid) return { ok: true, schema };
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.text}`);
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`);
  return problem(
    'SCHEMA_INVALID',
    `${schema.name} does not match its schema: ${shown.join('; ')}`,
    issues.map((i) => i.path),
  );
}

/**
 * Builds the Kafka record of one store event. Throws ValidationError UNKNOWN_EVENT_TYPE or
 * SCHEMA_INVALID (details.paths) when the event is not valid, and TransientError SCHEMA_ID_UNKNOWN
 * when the registry id of its schema is not known yet.
 */
export function posEventRecord(
  serde: Pick<AvroSerde, 'encodeWith'>,
  schemaIdOf: SchemaIdOf,
  event: unknown,
  opts: PosEventCheckOptions = {},
): PosEventRecord {
  const checked = checkPosEvent(event, opts);
  if (!checked.ok) {
    throw new ValidationError(checked.problem.code, checked.problem.message, {
      paths: checked.problem.paths,
    });
  }
  return encodeChecked(serde, schemaIdOf, checked.schema, event as Record<string, unknown>);
}

/**
 * The record of an event already checked with checkPosEvent (no second validation pass beyond the
 * serde's own). For callers that check first and encode later, like the gateway.
 */
export function encodeChecked(
  serde: Pick<AvroSerde, 'encodeWith'>,
  schemaIdOf: SchemaIdOf,
  schema: EventSchema,
  value: object,
): PosEventRecord {
  const event = value as Readonly<Record<string, unknown>>;
  const schemaId = schemaIdOf(schema.eventType);
  if (schemaId === undefined) {
    throw new TransientError(
      'SCHEMA_ID_UNKNOWN',
      `no schema id known yet for ${schema.fullName} (registry not reached since start)`,
    );
  }
  // The envelope fields are required strings of every store event schema, so after validation
  // these are strings; the checks keep that assumption local.
  const header = (field: keyof PosEventHeaders): string => {
    const v = event[field];
    if (typeof v !== 'string') throw new ValidationError('SCHEMA_INVALID', `${field}: string expected`);
    return v;
  };
  const storeId = event.store_id;
  if (typeof storeId !== 'string') throw new ValidationError('SCHEMA_INVALID', 'store_id: string expected');
  return {
    key: storeId,
    value: serde.encodeWith(schemaId, schema.type, event),
    headers: { event_type: header('event_type'), event_id: header('event_id'), trace_id: header('trace_id') },
  };
}

// ── helpers ──────────────────────────────────────────────────────────────────

function problem(code: PosEventProblemCode, message: string, paths: string[]): PosEventCheck {
  return { ok: false, problem: { code, message, paths } };
}

function describeIssue(value: unknown, type: avro.Type, opts: PosEventCheckOptions): string {
  if (value === undefined) return `missing (${describeType(type)} required)`;
  const fields = (type as { fields?: { name: string }[] }).fields;
  if (
    opts.noUndeclaredFields &&
    fields &&
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value)
  ) {
    const declared = new Set(fields.map((f) => f.name));
    const extra = Object.keys(value).filter((k) => !declared.has(k));
    if (extra.length > 0) return `undeclared field(s) ${extra.join(', ')}`;
  }
  return `${describeType(type)} expected, got ${describeValue(value)}`;
}

function describeType(type: avro.Type): string {
  const t = type as avro.Type & {
    types?: avro.Type[];
    symbols?: string[];
    itemsType?: avro.Type;
    valuesType?: avro.Type;
  };
  if (t.typeName.startsWith('union') && Array.isArray(t.types)) return t.types.map(describeType).join(' or ');
  if (Array.isArray(t.symbols)) return `one of ${t.symbols.join('|')}`;
  if (t.itemsType) return `array of ${describeType(t.itemsType)}`;
  if (t.valuesType) return `map of ${describeType(t.valuesType)}`;
  if (t.typeName === 'record') return `${t.branchName ?? 'record'} object`;
  return t.typeName.replace(/^logical:/, '');
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
