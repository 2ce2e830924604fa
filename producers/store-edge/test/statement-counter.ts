/**
 * Counts the SQL statements (round trips: one pg Client.query each) sent while serving each HTTP
 * request of this process, by method and route shape, through a hook on pg's Client and on
 * http.Server's request event. Deterministic: what is counted is what the code sends, not timing.
 * Used by the round-trip test (sql-round-trips.int.test.ts) and the bench preload (count-queries.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import pg from 'pg';

export interface RequestStatements {
  requests: number;
  statements: number;
  /** Statement (prepared name or first 70 characters) → how many times it was sent. */
  texts: Map<string, number>;
}

export interface StatementCounter {
  /** Per `METHOD /route/:id` key. */
  readonly stats: Map<string, RequestStatements>;
  reset(): void;
  /** Removes the hooks. */
  stop(): void;
}

export function countStatementsPerRequest(): StatementCounter {
  const current = new AsyncLocalStorage<{ key: string; n: number }>();
  const stats = new Map<string, RequestStatements>();
  const entry = (key: string) => {
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { requests: 0, statements: 0, texts: new Map() }));
    return s;
  };

  const origEmit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event !== 'request') return Reflect.apply(origEmit, this, [event, ...args]) as boolean;
    const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
    const key = `${req.method} ${(req.url ?? '').replace(/[0-9a-f-]{36}/g, ':id').replace(/\/\d+$/, '/:n')}`;
    const ctx = { key, n: 0 };
    res.once('finish', () => {
      const s = entry(key);
      s.requests++;
      s.statements += ctx.n;
    });
    return current.run(ctx, () => Reflect.apply(origEmit, this, [event, ...args]) as boolean);
  } as typeof origEmit;

  const origQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const ctx = current.getStore();
    if (ctx) {
      ctx.n++;
      const first = args[0] as string | { text?: string; name?: string };
      const text = typeof first === 'string' ? first : (first?.name ?? first?.text ?? '?');
      const short = text.replace(/\s+/g, ' ').slice(0, 70);
      const texts = entry(ctx.key).texts;
      texts.set(short, (texts.get(short) ?? 0) + 1);
    }
    return (origQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof origQuery;

  return {
    stats,
    reset: () => stats.clear(),
    stop() {
      http.Server.prototype.emit = origEmit;
      pg.Client.prototype.query = origQuery;
    },
  };
}
