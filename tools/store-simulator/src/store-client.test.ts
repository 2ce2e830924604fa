import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreClient } from './store-client.ts';

/** A local HTTP server whose first `failures` requests fail as told (connection reset or 503). */
async function flakyServer(failures: number, how: 'reset' | '503') {
  const seen: { key: string | undefined; auth: string | undefined; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        key: req.headers['idempotency-key'] as string | undefined,
        auth: req.headers.authorization,
        body,
      });
      if (seen.length <= failures) {
        if (how === 'reset') req.socket.destroy();
        else res.writeHead(503).end('{"error":{"code":"UNAVAILABLE"}}');
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"t1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('StoreClient', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    servers.length = 0;
  });

  it('re-sends a write that failed in transit with the same Idempotency-Key and body', async () => {
    const { server, seen, url } = await flakyServer(2, 'reset');
    servers.push(server);
    const retries: string[] = [];
    const client = new StoreClient({ baseUrl: url, token: 'tt_x', onRetry: (r) => retries.push(r) });
    const result = await client.post('/v1/transactions', { cashier_id: 'C1' });
    expect(result).toEqual({ status: 201, body: { id: 't1' }, attempts: 3 });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set(['{"cashier_id":"C1"}']));
    expect(seen.every((s) => s.auth === 'Bearer tt_x')).toBe(true);
    expect(retries).toHaveLength(2);
  });

  it('retries 5xx, then gives up with a retriable STORE_UNREACHABLE; 4xx is an answer, not retried', async () => {
    const down = await flakyServer(100, '503');
    servers.push(down.server);
    const client = new StoreClient({ baseUrl: down.url, token: 't', retries: 2 });
    await expect(client.post('/v1/x', {})).rejects.toMatchObject({
      code: 'STORE_UNREACHABLE',
      retriable: true,
    });
    expect(down.seen).toHaveLength(3);

    const refusing = http.createServer((_req, res) =>
      res.writeHead(409).end('{"error":{"code":"NOT_OPEN"}}'),
    );
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    servers.push(refusing);
    const port = (refusing.address() as AddressInfo).port;
    const answer = await new StoreClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't' }).post('/v1/x');
    expect(answer).toEqual({ status: 409, body: { error: { code: 'NOT_OPEN' } }, attempts: 1 });
  });
});
