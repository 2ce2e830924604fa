import { kafkajsSrcFile, kafkajsRequire as require, kafkajsVerified } from './kafkajs-internals.ts';

/*
 * kafkajs 2.2.4 decodes each consumed record's headers with
 * `reduce((obj, h) => ({ ...obj, [h.key]: h.value }), {})`. That copies the object once per
 * header, and on Node 20's V8 an object spread followed by another property gets a hidden class
 * of its own: every consumed record's headers allocate fresh V8 maps (six per record on the
 * enriched topic), and every later read of them is megamorphic. It also computes each record's
 * offset and timestamp through its Long class (a BigInt wrapper, several objects per varint byte).
 * This file's record decoder returns the same record (same fields, same strings, same header
 * values, repeated keys as arrays; a header named __proto__ is the one difference, below) with
 * headers built in place and offset/timestamp computed as numbers while they are safe integers;
 * anything else goes to kafkajs' own code.
 */

interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarIntBytes(): Buffer | null;
  readVarIntString(): string | null;
}

export interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

type RecordDecoder = (decoder: KafkajsDecoder, batchContext?: BatchContext) => Record<string, unknown>;

const RECORD_DECODER = kafkajsSrcFile('protocol/recordBatch/record/v0/decoder.js');
/** kafkajs' own record decoder, as loaded before installFastRecordDecoding. */
export const kafkajsRecordDecoder = require(RECORD_DECODER) as RecordDecoder;
const LOG_APPEND_TIME = (require(kafkajsSrcFile('protocol/timestampTypes.js')) as { LOG_APPEND_TIME: number })
  .LOG_APPEND_TIME;

// The batch whose first offset and timestamp were last parsed: a batch's records decode one after
// another, so one entry saves parsing the same two strings for every record.
let lastContext: BatchContext | undefined;
let firstOffset = 0;
let firstTimestamp = 0;

/**
 * A zigzag varint as a number, or undefined when it has more than 7 bytes (beyond 2^49, where
 * kafkajs' exact Long arithmetic takes over); the decoder's offset moves only on success.
 */
function readSmallVarLong(decoder: KafkajsDecoder): number | undefined {
  const buf = decoder.buffer;
  let at = decoder.offset;
  let n = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const byte = buf[at++];
    if (byte === undefined) return undefined;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      decoder.offset = at;
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    }
    scale *= 128;
  }
  return undefined;
}

function setHeader(headers: Record<string, unknown>, key: string, value: Buffer | null): void {
  // Own properties only: kafkajs reads headers['__proto__'] as Object.prototype and returns
  // [Object.prototype, value] for a header of that name; here it is just the value.
  const prev = Object.hasOwn(headers, key) ? headers[key] : undefined;
  const next = prev === undefined ? value : Array.isArray(prev) ? prev.concat([value]) : [prev, value];
  // A header named __proto__ must stay an own property, as in kafkajs' object literal.
  if (key === '__proto__') {
    Object.defineProperty(headers, key, {
      value: next,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else headers[key] = next;
}

/** kafkajs' record v0 decoder, same output, without per-header copies or Long arithmetic. */
export const fastRecordDecoder: RecordDecoder = (decoder, batchContext = {} as BatchContext) => {
  if (batchContext !== lastContext) {
    firstOffset = Number(batchContext.firstOffset);
    firstTimestamp = Number(batchContext.firstTimestamp);
    lastContext = batchContext;
  }
  const start = decoder.offset;
  const attributes = decoder.readInt8();
  const timestampDelta = readSmallVarLong(decoder);
  const offsetDelta = timestampDelta === undefined ? 0 : decoder.readVarInt();
  const timestamp = firstTimestamp + (timestampDelta ?? 0);
  const offset = firstOffset + offsetDelta;
  if (
    timestampDelta === undefined ||
    (batchContext.timestampType === LOG_APPEND_TIME && batchContext.maxTimestamp) ||
    !Number.isSafeInteger(timestamp) ||
    !Number.isSafeInteger(offset)
  ) {
    decoder.offset = start;
    return kafkajsRecordDecoder(decoder, batchContext);
  }
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const headers: Record<string, unknown> = {};
  const count = decoder.readVarInt();
  for (let i = 0; i < count; i++) {
    const name = decoder.readVarIntString();
    setHeader(headers, String(name), decoder.readVarIntBytes());
  }
  return {
    magicByte: batchContext.magicByte,
    attributes,
    timestamp: String(timestamp),
    offset: String(offset),
    key,
    value,
    headers,
    isControlRecord: batchContext.isControlBatch ?? false,
    batchContext,
  };
};

// Modules that capture the record decoder when they load (kafkajs requires fetch response versions
// lazily, on each fetch, so dropping them from the cache makes the next fetch load them again).
const CAPTURING = [
  'protocol/recordBatch/v0/decoder.js',
  'protocol/requests/fetch/v4/decodeMessages.js',
  ...Array.from({ length: 12 }, (_, v) => `protocol/requests/fetch/v${v}/response.js`),
];

let installed = false;

/**
 * Makes every kafkajs fetch in this process decode records through fastRecordDecoder, and answers
 * whether it does (only on the kafkajs version it was verified against). Idempotent.
 */
export function installFastRecordDecoding(): boolean {
  if (installed) return true;
  if (!kafkajsVerified) return false;
  require.cache[RECORD_DECODER]!.exports = fastRecordDecoder;
  for (const file of CAPTURING) delete require.cache[kafkajsSrcFile(file)];
  installed = true;
  return true;
}
