import { crc32c } from './crc32c.ts';
import {
  kafkajsFile,
  kafkajsRequire,
  kafkajsVerified,
  VERIFIED_KAFKAJS_VERSION,
} from './kafkajs-internals.ts';

/*
 * kafkajs 2.2.4 (unmaintained since 2023) encodes a produce request by building every record, every
 * header and every batch in its own zero-filled 512-byte Encoder that grows by doubling and is then
 * copied into its parent, and checksums byte by byte. Measured (bench/kafka-clients
 * produce-encoding-bench.ts): ~45 µs of CPU per 2.5 KB record, half of ingest's and the relay's
 * whole per-event cost. This file writes the same request bytes in two passes (sizes, then one
 * exact allocation) and swaps it in for the produce request kafkajs builds. The output is byte for
 * byte kafkajs' own (asserted by kafka-produce-encoding.test.ts against kafkajs' encoder); any
 * input off the common shape (compression, unusual timestamps or header values) goes to kafkajs'
 * encoder unchanged, so its behaviour and errors stay exactly as they were.
 */

const require = kafkajsRequire;

type Bytes = Buffer | string | null | undefined;

export interface ProduceMessage {
  key?: Bytes;
  value?: Bytes;
  headers?: Record<string, unknown>;
  timestamp?: string | number | null;
}

export interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: {
    topic: string;
    partitions: { partition: number; firstSequence?: number; messages: ProduceMessage[] }[];
  }[];
}

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
}

type RequestFactory = (args: ProduceArgs) => { encode: () => Promise<KafkajsEncoder> };

const Encoder = require(kafkajsFile('src/protocol/encoder.js')) as { prototype: object };
const Long = require(kafkajsFile('src/utils/long.js')) as {
  fromValue(v: unknown): { value: bigint };
  fromInt(v: number): unknown;
};

/** Batch header before the records: base offset, length, leader epoch, magic, crc, attributes … record count. */
const BATCH_HEADER_BYTES = 61;
const TRANSACTIONAL_ATTRIBUTE = 16;
const INT32_RANGE = 2 ** 31;

function uvarSize(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    bytes++;
  }
  return bytes;
}

/** Zigzag of an int32 (varint) or of a delta in int32 range (varlong): the same number either way. */
const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

/** Strings up to this length are measured and written in JS: cheaper than a call into C++. */
const SHORT_STRING = 64;

/** UTF-8 length of s: its length when it is short ASCII (keys and headers usually are). */
function utf8Length(s: string): number {
  if (s.length > SHORT_STRING) return Buffer.byteLength(s);
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s);
  return s.length;
}

function bytesLength(v: Bytes): number {
  return typeof v === 'string' ? utf8Length(v) : v!.length;
}

/** Size of a varint-length-prefixed byte field; -1 (one byte) for null. */
function fieldSize(v: Bytes): number {
  if (v == null) return 1;
  const n = bytesLength(v);
  return uvarSize(zigzag(n)) + n;
}

class Out {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  uvar(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  field(v: Bytes): void {
    if (v == null) {
      this.buf[this.pos++] = 1; // zigzag(-1)
    } else if (typeof v === 'string') {
      const length = utf8Length(v);
      this.uvar(zigzag(length));
      if (length === v.length && length <= SHORT_STRING) {
        for (let i = 0; i < length; i++) this.buf[this.pos++] = v.charCodeAt(i);
      } else {
        this.pos += this.buf.write(v, this.pos, 'utf8');
      }
    } else {
      this.uvar(zigzag(v.length));
      this.pos += v.copy(this.buf, this.pos);
    }
  }

  int16(v: number): void {
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  int32(v: number): void {
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  int64(v: unknown): void {
    this.pos = this.buf.writeBigInt64BE(BigInt.asIntN(64, Long.fromValue(v).value), this.pos);
  }

  /** Kafka STRING / NULLABLE_STRING: int16 length (-1 for null) and UTF-8. */
  string(v: string | null): void {
    if (v == null) return this.int16(-1);
    this.int16(Buffer.byteLength(v));
    this.pos += this.buf.write(v, this.pos, 'utf8');
  }
}

const isBytes = (v: unknown): v is Bytes => v == null || typeof v === 'string' || Buffer.isBuffer(v);
// kafkajs sizes a header value with Buffer.byteLength before its null check, so it throws on null.
const isHeaderValue = (v: unknown): boolean => typeof v === 'string' || Buffer.isBuffer(v);

/** Size of a record's headers, or -1 when a value is not one kafkajs encodes plainly. */
function headersSize(headers: Record<string, unknown>): number {
  let count = 0;
  let size = 0;
  for (const key of Object.keys(headers)) {
    const v = headers[key];
    if (Array.isArray(v)) {
      for (const one of v as unknown[]) {
        if (!isHeaderValue(one)) return -1;
        size += fieldSize(key) + fieldSize(one as Bytes);
      }
      count += v.length;
    } else {
      if (!isHeaderValue(v)) return -1;
      size += fieldSize(key) + fieldSize(v as Bytes);
      count++;
    }
  }
  return uvarSize(zigzag(count)) + size;
}

interface Layout {
  /** Per message: the record body's size. */
  bodies: number[];
  /** Per partition: first timestamp, max timestamp, each message's timestamp delta. */
  batches: { first: unknown; max: unknown; deltas: number[]; size: number }[];
  total: number;
}

/** Sizes everything, or answers undefined when the request is not of the shape encoded here. */
function layout(args: ProduceArgs): Layout | undefined {
  if ((args.compression ?? 0) !== 0) return undefined;
  const bodies: number[] = [];
  const batches: Layout['batches'] = [];
  let total = 2 + (args.transactionalId == null ? 0 : Buffer.byteLength(args.transactionalId)) + 2 + 4 + 4;
  for (const { topic, partitions } of args.topicData) {
    total += 2 + Buffer.byteLength(topic) + 4;
    for (const { messages } of partitions) {
      const dateNow = Date.now();
      // As kafkajs: the default (string) sort, then the first and last as the batch's timestamps.
      const stamps = messages.map((m) => m.timestamp).filter((t) => t != null);
      stamps.sort();
      const first = stamps.length === 0 ? dateNow : stamps[0];
      const max = stamps.length === 0 ? dateNow : stamps[stamps.length - 1];
      const deltas = new Array<number>(messages.length);
      let size = BATCH_HEADER_BYTES;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const delta = ((m.timestamp || dateNow) as number) - (first as number);
        if (!Number.isInteger(delta) || delta >= INT32_RANGE || delta < -INT32_RANGE) return undefined;
        if (!isBytes(m.key) || !isBytes(m.value)) return undefined;
        // kafkajs throws on null or non-object headers: its encoder is left to do so.
        if (m.headers !== undefined && (typeof m.headers !== 'object' || m.headers === null))
          return undefined;
        const headers = m.headers === undefined ? 0 : headersSize(m.headers);
        if (headers < 0) return undefined;
        const body =
          1 +
          uvarSize(zigzag(delta)) +
          uvarSize(zigzag(i)) +
          fieldSize(m.key) +
          fieldSize(m.value) +
          (headers || 1);
        deltas[i] = delta;
        bodies.push(body);
        size += uvarSize(zigzag(body)) + body;
      }
      batches.push({ first, max, deltas, size });
      total += 4 + 4 + size;
    }
  }
  return { bodies, batches, total };
}

function writeHeaders(out: Out, headers: Record<string, unknown>): void {
  const keys = Object.keys(headers);
  let count = 0;
  for (const key of keys) {
    const v = headers[key];
    count += Array.isArray(v) ? v.length : 1;
  }
  out.uvar(zigzag(count));
  for (const key of keys) {
    const v = headers[key];
    if (Array.isArray(v)) {
      for (const one of v as Bytes[]) {
        out.field(key);
        out.field(one);
      }
    } else {
      out.field(key);
      out.field(v as Bytes);
    }
  }
}

/**
 * The produce request body (v3 to v7 share it) as kafkajs would encode it, or undefined when the
 * request is not of the common shape (then kafkajs' own encoder runs).
 */
export function encodeProduceRequest(args: ProduceArgs): KafkajsEncoder | undefined {
  const plan = layout(args);
  if (!plan) return undefined;
  const out = new Out(Buffer.allocUnsafe(plan.total));
  const transactional = args.transactionalId ? TRANSACTIONAL_ATTRIBUTE : 0;
  out.string(args.transactionalId ?? null);
  out.int16(args.acks);
  out.int32(args.timeout);
  out.int32(args.topicData.length);
  let record = 0;
  let batchNo = 0;
  for (const { topic, partitions } of args.topicData) {
    out.string(topic);
    out.int32(partitions.length);
    for (const { partition, firstSequence, messages } of partitions) {
      const batch = plan.batches[batchNo++]!;
      out.int32(partition);
      out.int32(batch.size);
      out.int64(0); // base offset
      out.int32(batch.size - 12); // batch length: everything after this field
      out.int32(0); // partition leader epoch
      out.buf[out.pos++] = 2; // magic
      const crcAt = out.pos;
      out.pos += 4;
      out.int16(transactional);
      out.int32(messages.length - 1);
      out.int64(batch.first);
      out.int64(batch.max);
      out.int64(args.producerId ?? Long.fromInt(-1));
      out.int16(args.producerEpoch ?? 0);
      out.int32(firstSequence ?? 0);
      out.int32(messages.length);
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        out.uvar(zigzag(plan.bodies[record++]!));
        out.buf[out.pos++] = 0; // record attributes
        out.uvar(zigzag(batch.deltas[i]!));
        out.uvar(zigzag(i));
        out.field(m.key);
        out.field(m.value);
        if (m.headers === undefined) out.buf[out.pos++] = 0;
        else writeHeaders(out, m.headers);
      }
      out.buf.writeUInt32BE(crc32c(out.buf, crcAt + 4, out.pos), crcAt);
    }
  }
  // Every byte of the unzeroed buffer must have been written.
  if (out.pos !== plan.total) throw new Error(`produce encoding wrote ${out.pos} of ${plan.total} bytes`);
  const encoder = Object.create(Encoder.prototype) as KafkajsEncoder;
  encoder.buf = out.buf;
  encoder.offset = out.pos;
  return encoder;
}

const PRODUCE_V3 = kafkajsFile('src/protocol/requests/produce/v3/request.js');
/**
 * The kafkajs release whose produce encoding this file reproduces (and whose module layout it
 * replaces). Any other version keeps its own encoder until the byte-for-byte test is run against it.
 */
export const FAST_PRODUCE_KAFKAJS_VERSION = VERIFIED_KAFKAJS_VERSION;
let installed = false;

/** kafkajs' own produce v3 request factory, as it was before installFastProduceEncoding. */
export const kafkajsProduceRequest = require(PRODUCE_V3) as RequestFactory;

/**
 * Makes every kafkajs produce request in this process encode through encodeProduceRequest, and
 * answers whether it does (only on the kafkajs version it was verified against). kafkajs loads a
 * produce request version lazily on first use, and v4–v7 are v3 with a different version number,
 * each capturing the one below when it loads: replacing v3 in the module cache (and dropping v4–v7
 * if a produce already loaded them) covers all of them. Idempotent.
 */
export function installFastProduceEncoding(): boolean {
  if (installed) return true;
  if (!kafkajsVerified) return false;
  const fast: RequestFactory = (args) => {
    const request = kafkajsProduceRequest(args);
    const kafkajsEncode = request.encode;
    request.encode = () => {
      const encoded = encodeProduceRequest(args);
      return encoded ? Promise.resolve(encoded) : kafkajsEncode();
    };
    return request;
  };
  require.cache[PRODUCE_V3]!.exports = fast;
  for (const version of [4, 5, 6, 7])
    delete require.cache[kafkajsFile(`src/protocol/requests/produce/v${version}/request.js`)];
  installed = true;
  return true;
}
