import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A small OTLP/HTTP trace receiver for tests (no OpenTelemetry Collector is available here): it
 * accepts `POST /v1/traces` with `Content-Type: application/json`, validates the body strictly
 * against the OTLP JSON encoding of ExportTraceServiceRequest (opentelemetry.io/docs/specs/otlp:
 * lowerCamelCase fields, hex trace/span ids, int64 as decimal strings, integer enums) and answers
 * as the spec says a server does: 200 with an ExportTraceServiceResponse (partialSuccess when told
 * to reject some), 400 with a google.rpc.Status for a malformed request, 415 for another media
 * type, and scripted 429/502/503/504 with Retry-After so a test drives the exporter's retries.
 * Unknown fields are refused (400): a real collector ignores them, but here they would hide a bug
 * in our encoder.
 */
const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`), `${n} lowercase hex digits`);
const int64 = z.string().regex(/^\d+$/, 'int64 as a decimal string');
const anyValue = z.union([
  z.object({ stringValue: z.string() }).strict(),
  z.object({ boolValue: z.boolean() }).strict(),
  z.object({ intValue: int64 }).strict(),
  z.object({ doubleValue: z.number() }).strict(),
]);
const keyValue = z.object({ key: z.string().min(1), value: anyValue }).strict();
const span = z
  .object({
    traceId: hex(32).refine((v) => !/^0+$/.test(v), 'all-zero trace id'),
    spanId: hex(16).refine((v) => !/^0+$/.test(v), 'all-zero span id'),
    parentSpanId: z.union([hex(16), z.literal('')]).optional(),
    traceState: z.string().optional(),
    flags: z.number().int().optional(),
    name: z.string().min(1),
    kind: z.number().int().min(0).max(5),
    startTimeUnixNano: int64,
    endTimeUnixNano: int64,
    attributes: z.array(keyValue).optional(),
    droppedAttributesCount: z.number().int().optional(),
    status: z
      .object({ code: z.number().int().min(0).max(2), message: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano), 'span ends before it starts');
const request = z
  .object({
    resourceSpans: z.array(
      z
        .object({
          resource: z.object({ attributes: z.array(keyValue) }).strict(),
          scopeSpans: z.array(
            z
              .object({
                scope: z.object({ name: z.string(), version: z.string().optional() }).strict().optional(),
                spans: z.array(span),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

export type OtlpJsonRequest = z.infer<typeof request>;

/** A received span, flattened with its resource's service.name. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  status?: { code: number; message?: string };
}

/** One scripted answer, used for the next request instead of 200. */
export type ScriptedAnswer =
  | { status: 429 | 502 | 503 | 504; retryAfterS?: number }
  | { status: 200; rejectedSpans: number; errorMessage: string };

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every request's status, in order (what the exporter was told). */
  readonly answers: number[] = [];
  /** Why each 400 was answered. */
  readonly refusals: string[] = [];
  private readonly script: ScriptedAnswer[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = http.createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The OTEL_EXPORTER_OTLP_ENDPOINT of this receiver (spans go to `<it>/v1/traces`). */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests get these answers, in order (then 200 again). */
  answerNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.answers.push(status);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v1/traces')
      return reply(404, { code: 5, message: 'not found' });
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      return reply(415, { code: 3, message: 'only application/json is accepted here' });
    }
    let parsed: OtlpJsonRequest;
    try {
      parsed = request.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch (err) {
      const why = err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message;
      this.refusals.push(why);
      // google.rpc.Status, code 3 = INVALID_ARGUMENT.
      return reply(400, { code: 3, message: why });
    }
    const scripted = this.script.shift();
    if (scripted && scripted.status !== 200) {
      const headers: Record<string, string> =
        scripted.retryAfterS === undefined ? {} : { 'retry-after': String(scripted.retryAfterS) };
      return reply(scripted.status, { code: 14, message: 'unavailable (scripted)' }, headers);
    }
    const flat = flatten(parsed);
    const rejected = scripted?.status === 200 ? Math.min(scripted.rejectedSpans, flat.length) : 0;
    this.spans.push(...flat.slice(rejected));
    reply(
      200,
      rejected > 0 && scripted?.status === 200
        ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: scripted.errorMessage } }
        : { partialSuccess: {} },
    );
  }
}

function flatten(r: OtlpJsonRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of r.resourceSpans) {
    const attrs = attributes(rs.resource.attributes);
    const service = String(attrs['service.name'] ?? '');
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const span: ReceivedSpan = {
          service,
          traceId: s.traceId,
          spanId: s.spanId,
          name: s.name,
          kind: s.kind,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: attributes(s.attributes ?? []),
        };
        if (s.parentSpanId) span.parentSpanId = s.parentSpanId;
        if (s.status) span.status = s.status;
        out.push(span);
      }
    }
  }
  return out;
}

function attributes(kvs: z.infer<typeof keyValue>[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of kvs) {
    if ('stringValue' in value) out[key] = value.stringValue;
    else if ('boolValue' in value) out[key] = value.boolValue;
    else if ('intValue' in value) out[key] = Number(value.intValue);
    else out[key] = value.doubleValue;
  }
  return out;
}
