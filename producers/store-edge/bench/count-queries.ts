/**
 * Preload for the bench's server (`--node-arg=--import=<abs path>/bench/count-queries.ts`): counts
 * the SQL statements sent per HTTP request (by method and route shape) and prints them to stderr
 * when the process exits. Measurement aid only; never loaded by the service itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import pg from 'pg';

const current = new AsyncLocalStorage<{ key: string; n: number }>();
const stats = new Map<string, { requests: number; statements: number; texts: Map<string, number> }>();
const origEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  if (event !== 'request') return Reflect.apply(origEmit, this, [event, ...args]) as boolean;
  const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
  const key = `${req.method} ${(req.url ?? '').replace(/[0-9a-f-]{36}/g, ':id').replace(/\/\d+$/, '/:n')}`;
  const ctx = { key, n: 0 };
  res.once('finish', () => {
    const s = stats.get(key) ?? { requests: 0, statements: 0, texts: new Map() };
    s.requests++;
    s.statements += ctx.n;
    stats.set(key, s);
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
    const s = stats.get(ctx.key) ?? { requests: 0, statements: 0, texts: new Map() };
    const short = text.replace(/\s+/g, ' ').slice(0, 70);
    s.texts.set(short, (s.texts.get(short) ?? 0) + 1);
    stats.set(ctx.key, s);
  }
  return (origQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof origQuery;

process.on('exit', () => {
  for (const [key, s] of stats) {
    if (!s.requests) continue;
    process.stderr.write(
      `${key}: ${s.requests} requests, ${(s.statements / s.requests).toFixed(2)} statements/request\n`,
    );
    for (const [t, n] of [...s.texts].sort((a, b) => b[1] - a[1]))
      process.stderr.write(`    ${(n / s.requests).toFixed(2)}× ${t}\n`);
  }
});
