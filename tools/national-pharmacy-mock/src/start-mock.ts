import { closeServer, createLogger, listen, type RunningService } from '@retail-stream/runtime';
import express from 'express';
import { Registry } from 'prom-client';
import { AccountDirectory, type Account } from './accounts.ts';
import { createApiApp, mountApiFallbacks } from './api-app.ts';
import { CONTROL_PATH, controlRouter } from './control-routes.ts';
import type { DocumentKind } from './document-kinds.ts';
import { DocumentStore, type DocumentFilter, type StoredDocument } from './document-store.ts';
import { parseFaults, type FaultConfig, type FaultInput } from './fault-config.ts';
import { FaultPlan } from './fault-plan.ts';
import { HeldResponses } from './held-responses.ts';
import type { MockContext } from './mock-context.ts';
import { mockMetrics } from './mock-metrics.ts';
import { mockOptionsSchema, type NationalPharmacyMockOptions } from './mock-options.ts';
import { StatsRecorder, type MockStats } from './mock-stats.ts';
import { TokenIssuer } from './tokens.ts';

export const MOCK_NAME = 'national-pharmacy-mock';

/** A running mock authority: its URLs and everything a test compares against. */
export interface NationalPharmacyMock extends RunningService {
  /** Base URL of the API, e.g. http://127.0.0.1:40123 (paths /api/...). */
  url: string;
  /** Base URL of the control API (`${url}/_mock`), when a control token was given. */
  controlUrl?: string;
  accounts: readonly Account[];
  /** Copies of the accepted documents (voided ones included, `deleted: true`). */
  documents(filter?: DocumentFilter): StoredDocument[];
  /** One document by its natural key. */
  document(kind: DocumentKind, maCoSo: string, ma: string): StoredDocument | undefined;
  stats(): MockStats;
  /** Replaces the faults (absent fields: no fault); a seed restarts the draws. */
  setFaults(faults: FaultInput): FaultConfig;
  faults(): FaultConfig;
  /** Expires the live tokens (of one account or all): their next call answers 401. */
  expireTokens(maCoSo?: string): number;
  /** Forgets documents, counts and tokens. */
  reset(): void;
  /** Answers held by the timeout fault, not yet destroyed. */
  heldResponses(): number;
  /** Writes the state file now (it is otherwise written within 100 ms of a change). */
  flush(): void;
  /** Stops serving, destroys held and open sockets, writes the state file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the mock national pharmacy database on its own HTTP server. For tests and the demo only:
 * production config never points at it.
 */
export async function startNationalPharmacyMock(
  opts: NationalPharmacyMockOptions,
): Promise<NationalPharmacyMock> {
  const {
    now = Date.now,
    logger = createLogger({ service: MOCK_NAME, level: 'silent' }),
    metrics,
    ...input
  } = opts;
  const o = mockOptionsSchema.parse(input);
  const stats = new StatsRecorder();
  const ctx: MockContext = {
    accounts: new AccountDirectory(o.accounts),
    drugs: new Set(o.drugs),
    tokens: new TokenIssuer(o.tokenTtlMs, now),
    store: new DocumentStore(now, o.stateFile),
    faults: new FaultPlan(o.faults, now),
    stats,
    held: new HeldResponses(stats),
    metrics: mockMetrics(metrics ?? new Registry()),
    logger,
  };
  const reset = () => {
    ctx.store.clear();
    ctx.stats.reset();
    ctx.tokens.clear();
  };

  const app = createApiApp(ctx);
  if (o.controlToken) app.use(CONTROL_PATH, express.json(), controlRouter(ctx, o.controlToken, reset));
  mountApiFallbacks(app, ctx);
  const { server, port } = await listen(app, o.port, o.host);
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;

  let closing: Promise<void> | undefined;
  let serving = true;
  const stop = async () => {
    serving = false;
    // Held answers would keep close() waiting for their timers: the client sees the reset now.
    ctx.held.destroyAll();
    server.closeAllConnections();
    await closeServer(server);
  };
  const close = () =>
    (closing ??= (async () => {
      if (serving) await stop();
      ctx.store.flush();
    })());

  return {
    url,
    ...(o.controlToken ? { controlUrl: `${url}${CONTROL_PATH}` } : {}),
    accounts: o.accounts,
    documents: (filter) => ctx.store.list(filter),
    document: (kind, maCoSo, ma) => {
      const d = ctx.store.get(kind, maCoSo, ma);
      return d ? structuredClone(d) : undefined;
    },
    stats: () => ctx.stats.snapshot(),
    setFaults: (faults) => {
      const parsed = parseFaults(faults);
      ctx.faults.replace(parsed);
      return parsed;
    },
    faults: () => ctx.faults.current,
    expireTokens: (maCoSo) => ctx.tokens.expire(maCoSo),
    reset,
    heldResponses: () => ctx.held.size,
    flush: () => ctx.store.flush(),
    isReady: () => serving,
    stop: () => (serving ? stop() : Promise.resolve()),
    close,
  };
}
