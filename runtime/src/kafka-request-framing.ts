import { kafkajsSrcFile, kafkajsRequire as require } from './kafkajs-internals.ts';
import type { ModuleSwap } from './kafkajs-module-swap.ts';

/*
 * kafkajs frames every request (size, api key and version, correlation id, client id, body) in
 * protocol/request.js by copying the encoded body into a new Encoder and that one into another:
 * two zero-filled allocations rounded up to a power of two and two copies of the whole body. For
 * a 900 kB produce request that is ~2 MiB zeroed and 1.8 MB copied, ~3 % of ingest's busy time
 * (kafkajs' Encoder.ensureAvailable and its copies in the profile). Here: one exact allocation, the
 * header written in place and the body copied once; the same bytes.
 */

interface EncodedBody {
  buf: Buffer;
  readonly buffer: Buffer;
}

interface RequestArgs {
  correlationId: number;
  clientId: string | null | undefined;
  request: { apiKey: number; apiVersion: number; encode(): EncodedBody | Promise<EncodedBody> };
}

/** What connection.js reads of a framed request: its bytes. */
export interface FramedRequest {
  readonly buffer: Buffer;
}

/** protocol/request.js, the same bytes in one allocation. */
export async function createRequest({
  correlationId,
  clientId,
  request,
}: RequestArgs): Promise<FramedRequest> {
  const payload = await request.encode();
  // As kafkajs' Encoder.writeEncoder: anything else is a bug of the request's encoder.
  if (payload == null || !Buffer.isBuffer(payload.buf))
    throw new Error('value should be an instance of Encoder');
  const body = payload.buffer;
  const id = clientId == null ? -1 : Buffer.byteLength(clientId, 'utf8');
  const size = 2 + 2 + 4 + 2 + Math.max(id, 0) + body.length;
  const out = Buffer.allocUnsafe(4 + size);
  let at = out.writeInt32BE(size, 0);
  at = out.writeInt16BE(request.apiKey, at);
  at = out.writeInt16BE(request.apiVersion, at);
  at = out.writeInt32BE(correlationId, at);
  at = out.writeInt16BE(id, at);
  if (id > 0) at += out.write(clientId!, at, id, 'utf8');
  body.copy(out, at);
  return { buffer: out };
}

/** kafkajs' own protocol/request.js, for the equivalence test. */
export const kafkajsCreateRequest = require(kafkajsSrcFile('protocol/request.js')) as (
  args: RequestArgs,
) => Promise<FramedRequest>;

/** The swap: connection.js captures request.js; the Kafka class reaches it through the cluster. */
export const REQUEST_FRAMING_SWAP: ModuleSwap = {
  module: 'protocol/request.js',
  replacement: createRequest,
  capturing: [
    'network/connection.js',
    'network/connectionPool.js',
    'cluster/connectionPoolBuilder.js',
    'cluster/index.js',
  ],
};
