import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, isErrorCode, TransientError } from '@retail-stream/runtime';
import { SIGNATURE_HEADER, signCallback } from '@retail-stream/store-edge';

/** Response bodies of the store edge, read field by field by the checkout flow. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResult {
  status: number;
  body: Json;
  /** Attempts it took (1 = no retry). */
  attempts: number;
}

export interface StoreClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  /** Network errors, timeouts and 5xx are retried this many times with the same Idempotency-Key. */
  retries?: number;
  onRetry?: (reason: string) => void;
}

/**
 * One terminal's connection to its store edge. Every write carries an Idempotency-Key; a request
 * that failed in transit (connection refused or reset, timeout, 5xx) is sent again with the same
 * key, so the store applies it once and answers the retry with the stored response. 4xx answers
 * are returned to the caller: they are decisions, not failures of the wire.
 */
export class StoreClient {
  constructor(private readonly opts: StoreClientOptions) {}

  post(path: string, body?: unknown, key: string = crypto.randomUUID()): Promise<ApiResult> {
    return this.send('POST', path, body, { 'idempotency-key': key });
  }

  get(path: string): Promise<ApiResult> {
    return this.send('GET', path, undefined, {});
  }

  /** The QR provider's signed callback (the simulator plays the provider for the fake QR adapter). */
  qrCallback(secret: string, body: Record<string, unknown>): Promise<ApiResult> {
    const raw = JSON.stringify(body);
    return this.send('POST', '/v1/payments/qr/callback', raw, {
      [SIGNATURE_HEADER]: signCallback(raw, secret),
    });
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<ApiResult> {
    const retries = this.opts.retries ?? 5;
    const isRaw = typeof body === 'string';
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      try {
        const res = await fetch(`${this.opts.baseUrl}${path}`, {
          method,
          headers: {
            ...headers,
            ...(isRaw ? {} : { authorization: `Bearer ${this.opts.token}` }),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : isRaw ? body : JSON.stringify(body),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
        const text = await res.text();
        const parsed: Json = text === '' ? null : JSON.parse(text);
        if (res.status < 500) return { status: res.status, body: parsed, attempts: attempt };
        reason = `HTTP_${res.status}`;
      } catch (err) {
        reason = networkReason(err);
      }
      if (attempt > retries) {
        throw new TransientError(
          'STORE_UNREACHABLE',
          `${method} ${path} failed after ${attempt} attempts: ${reason}`,
        );
      }
      this.opts.onRetry?.(reason);
      await sleep(Math.min(2_000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
    }
  }
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string }; code?: string };
  if (e?.name === 'TimeoutError') return 'TIMEOUT';
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'NETWORK_ERROR';
}

/** A store edge answer the flow did not expect: counted by code, never fatal to the run. */
export class UnexpectedAnswer extends AppError {
  constructor(what: string, result: ApiResult) {
    const said: unknown = result.body?.error?.code;
    super(
      isErrorCode(said) ? said : 'STORE_UNEXPECTED_ANSWER',
      `${what}: ${result.status} ${result.body?.error?.message ?? ''}`.trim(),
    );
  }
}

export function expectStatus(what: string, result: ApiResult, ...ok: number[]): Json {
  if (!ok.includes(result.status)) throw new UnexpectedAnswer(what, result);
  return result.body;
}
