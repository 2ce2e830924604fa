import {
  AppError,
  STORE_EPOCH_HTTP_HEADER,
  TransientError,
  traceHeaders,
  type Logger,
} from '@retail-stream/runtime';
import { eventTooLarge, type EventTooLargeError } from './oversized-event.ts';
import type { OutboundEvent, PublishOutcome, Publisher } from './publisher.ts';

export interface HttpPublisherOptions {
  /** Gateway base URL, e.g. `https://ingest.hq.example`; events go to `<url>/v1/ingestion/events`. */
  url: string;
  /** The store's key, `rsk_<key_id>.<secret>` (issued with the gateway's keys CLI). */
  apiKey: string;
  /** Per request; a timed-out request is retried (the gateway answers `duplicate` for what it already has). */
  timeoutMs: number;
  /** The gateway's limits (GATEWAY_MAX_EVENTS, GATEWAY_MAX_BODY_BYTES): batches are split to stay within. */
  maxEvents: number;
  maxBodyBytes: number;
  logger: Logger;
  /** Tests. */
  fetch?: typeof fetch;
}

/** The gateway refused the request itself (401, 403, 413, other 4xx): resending it unchanged cannot help. */
export type GatewayRejection =
  'GATEWAY_UNAUTHORIZED' | 'GATEWAY_FORBIDDEN' | 'GATEWAY_PAYLOAD_TOO_LARGE' | 'GATEWAY_REJECTED';

export class GatewayRejectedError extends AppError<GatewayRejection> {
  constructor(
    code: GatewayRejection,
    message: string,
    readonly status: number,
    details?: Record<string, unknown>,
  ) {
    super(code, message, { retriable: false, details });
  }
}

/** The gateway's per-event refusal codes the relay knows; any other is GATEWAY_EVENT_REFUSED. */
const EVENT_REFUSALS: Partial<
  Record<string, 'GATEWAY_SEQUENCE_GAP' | 'GATEWAY_SCHEMA_INVALID' | 'GATEWAY_UNKNOWN_EVENT_TYPE'>
> = {
  SEQUENCE_GAP: 'GATEWAY_SEQUENCE_GAP',
  SCHEMA_INVALID: 'GATEWAY_SCHEMA_INVALID',
  UNKNOWN_EVENT_TYPE: 'GATEWAY_UNKNOWN_EVENT_TYPE',
};

interface GatewayResult {
  store_seq: number | null;
  event_id: string | null;
  status: 'accepted' | 'duplicate' | 'error';
  error?: { code: string; message: string; field: string | null };
}

interface GatewayErrorBody {
  error?: { code?: string; message?: string; field?: string | null };
  retriable?: boolean;
}

const BODY_OVERHEAD = Buffer.byteLength('{"events":[]}');

/**
 * Publishes through the HTTPS ingest gateway (RELAY_SYNC_PROTOCOL=http), for stores that cannot reach
 * Kafka: `POST <url>/v1/ingestion/events` with `Authorization: Bearer <key>` and the outbox
 * payloads as they are stored, `{"events": [...]}`.
 *
 * The relay's batch is split into requests within the gateway's limits and sent one after another.
 * The gateway answers per event; the events acknowledged are the prefix answered `accepted` or
 * `duplicate` (`duplicate`: already in Kafka from an earlier attempt), which the gateway has
 * produced and acknowledged from Kafka before answering. The first other answer ends the publish:
 *
 *  - per-event `error` (SEQUENCE_GAP, SCHEMA_INVALID, …) → not retriable, named with its store_seq;
 *  - 401 / 403 / 413 / other 4xx → GatewayRejectedError (not retriable) saying what to fix; a 413
 *    for a request of one event → OUTBOX_EVENT_TOO_LARGE (the relay stops the store at it);
 *  - 5xx, 408, 429, timeouts, network errors → TransientError (retriable): the relay backs off and
 *    resends from the first unacknowledged event.
 *
 * The relay retries every failure after its backoff anyway (it never skips an event); retriable
 * only says whether waiting alone can fix it.
 */
export class HttpPublisher implements Publisher {
  readonly destination = 'http';
  private readonly closing = new AbortController();
  private readonly endpoint: string;
  private readonly cursorEndpoint: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: HttpPublisherOptions) {
    const base = opts.url.replace(/\/+$/, '');
    this.endpoint = `${base}/v1/ingestion/events`;
    this.cursorEndpoint = `${base}/v1/ingestion/cursor`;
    this.doFetch = opts.fetch ?? fetch;
  }

  async publish(events: readonly OutboundEvent[]): Promise<PublishOutcome> {
    let acked = 0;
    for (const chunk of splitForGateway(events, this.opts.maxEvents, this.opts.maxBodyBytes)) {
      const outcome = await this.send(chunk);
      acked += outcome.acked;
      const alone = chunk.length === 1 && outcome.error?.code === 'GATEWAY_PAYLOAD_TOO_LARGE';
      // One event refused alone as too large (the gateway's limit is below RELAY_HTTP_MAX_BODY_BYTES):
      // resending it can never help; the relay stops the store at it.
      if (alone) return { acked, error: this.refusedAlone(chunk[0]!, outcome.error!) };
      if (outcome.error) return { acked, error: outcome.error };
    }
    return { acked };
  }

  private refusedAlone(e: OutboundEvent, error: AppError): EventTooLargeError {
    // Its JSON as the request carries it (measured only here: no per-event cost on the way).
    const bytes = Buffer.byteLength(JSON.stringify(e.payload));
    return eventTooLarge(e, bytes, `the gateway refused it alone (${error.message})`);
  }

  /** GET /v1/ingestion/cursor: the gateway answers and accepts the key. */
  async probe(timeoutMs: number): Promise<void> {
    const res = await this.request(this.cursorEndpoint, { method: 'GET' }, timeoutMs);
    if (res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return;
    }
    throw statusError(res.status, await readJson<GatewayErrorBody>(res));
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  private async send(chunk: readonly OutboundEvent[]): Promise<PublishOutcome> {
    const body = `{"events":[${chunk.map((e) => JSON.stringify(e.payload)).join(',')}]}`;
    // The store database's epoch (one per relay): the gateway keeps a cursor per epoch and puts it
    // on the records, so a rebuilt database is not answered "duplicate" (runtime/src/store-epoch.ts).
    const epoch = chunk[0]?.storeEpoch;
    // One request carries one traceparent: the chunk's first event's span. Over HTTP the gateway's
    // records continue that one trace (the Kafka path keeps one trace per event).
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...traceHeaders(chunk[0]?.trace),
    };
    if (epoch !== undefined) headers[STORE_EPOCH_HTTP_HEADER] = epoch;
    let res: Response;
    try {
      res = await this.request(this.endpoint, { method: 'POST', headers, body }, this.opts.timeoutMs);
    } catch (err) {
      return { acked: 0, error: err as AppError };
    }
    if (res.status !== 200)
      return { acked: 0, error: statusError(res.status, await readJson<GatewayErrorBody>(res)) };

    const answer = await readJson<{ results?: GatewayResult[] }>(res);
    const results = answer?.results;
    const mismatch =
      !Array.isArray(results) || results.length !== chunk.length
        ? `${Array.isArray(results) ? results.length : 'no'} results for ${chunk.length} events`
        : results.findIndex((r, i) => r?.store_seq !== chunk[i]!.storeSeq) >= 0
          ? 'results do not match the events sent'
          : undefined;
    if (mismatch !== undefined) {
      // Nothing counts as acknowledged: the resend is answered `duplicate` for what did get in.
      return {
        acked: 0,
        error: new TransientError('GATEWAY_BAD_RESPONSE', `the gateway answered 200 with ${mismatch}`),
      };
    }
    const acked = prefixAcknowledged(results!);
    if (acked === chunk.length) return { acked };
    const refused = results![acked]!;
    const event = chunk[acked]!;
    const code = refused.error?.code ?? 'UNKNOWN';
    const known = EVENT_REFUSALS[code];
    const hint =
      code === 'SEQUENCE_GAP'
        ? ' (the gateway expects an earlier store_seq: if this store published straight to Kafka before, set the gateway cursor to the last store_seq in Kafka: keys-cli cursor --set)'
        : '';
    this.opts.logger.warn(
      { store_seq: event.storeSeq, event_id: event.eventId, code, field: refused.error?.field, acked },
      'the ingest gateway refused an event; later events wait',
    );
    return {
      acked,
      error: new AppError(
        known ?? 'GATEWAY_EVENT_REFUSED',
        `the ingest gateway refused store_seq ${event.storeSeq} (${event.eventType}): ${known ? '' : `${code}: `}${refused.error?.message ?? code}${hint}`,
        { retriable: false, details: { store_seq: event.storeSeq, field: refused.error?.field ?? null } },
      ),
    };
  }

  private async request(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    if (this.closing.signal.aborted)
      throw new TransientError('GATEWAY_CLOSED', 'the HTTP publisher is closed');
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal]);
    try {
      return await this.doFetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.opts.apiKey}` },
        signal,
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError') {
        throw new TransientError(
          'GATEWAY_TIMEOUT',
          `no answer from the ingest gateway within ${timeoutMs} ms`,
          err,
        );
      }
      const why = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new TransientError('GATEWAY_UNREACHABLE', `ingest gateway ${url}: ${why}`, err);
    }
  }
}

/** Consecutive chunks of at most maxEvents events and maxBodyBytes of request body (one larger event alone). */
export function splitForGateway(
  events: readonly OutboundEvent[],
  maxEvents: number,
  maxBodyBytes: number,
): OutboundEvent[][] {
  const chunks: OutboundEvent[][] = [];
  let current: OutboundEvent[] = [];
  let bytes = BODY_OVERHEAD;
  for (const e of events) {
    const size = Buffer.byteLength(JSON.stringify(e.payload)) + 1; // + the comma
    if (current.length > 0 && (current.length >= maxEvents || bytes + size > maxBodyBytes)) {
      chunks.push(current);
      current = [];
      bytes = BODY_OVERHEAD;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function prefixAcknowledged(results: readonly GatewayResult[]): number {
  const i = results.findIndex((r) => r.status !== 'accepted' && r.status !== 'duplicate');
  return i < 0 ? results.length : i;
}

/** What a non-200 answer means for the relay. */
function statusError(status: number, body: GatewayErrorBody | undefined): AppError {
  const said = body?.error?.message ? `: ${body.error.message}` : '';
  const code = body?.error?.code ?? `HTTP_${status}`;
  switch (status) {
    case 401:
      return new GatewayRejectedError(
        'GATEWAY_UNAUTHORIZED',
        `the ingest gateway refused the store's API key (401${said}); check RELAY_HTTP_API_KEY, or issue a new key if it was revoked`,
        status,
      );
    case 403:
      return new GatewayRejectedError(
        'GATEWAY_FORBIDDEN',
        `the ingest gateway refused the batch (403${said}); the API key belongs to another store than STORE_ID`,
        status,
        { field: body?.error?.field ?? null },
      );
    case 413:
      return new GatewayRejectedError(
        'GATEWAY_PAYLOAD_TOO_LARGE',
        `the ingest gateway refused the batch as too large (413${said}); set RELAY_HTTP_MAX_EVENTS / RELAY_HTTP_MAX_BODY_BYTES to the gateway's limits`,
        status,
      );
    default:
      if (status === 408 || status === 429 || status >= 500) {
        return new TransientError(
          'GATEWAY_UNAVAILABLE',
          `the ingest gateway answered ${status} ${code}${said}`,
        );
      }
      return new GatewayRejectedError(
        'GATEWAY_REJECTED',
        `the ingest gateway refused the batch (${status} ${code}${said})`,
        status,
        {
          field: body?.error?.field ?? null,
        },
      );
  }
}

async function readJson<T>(res: Response): Promise<T | undefined> {
  try {
    return (await res.json()) as T;
  } catch {
    return undefined;
  }
}
