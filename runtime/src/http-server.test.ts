import express from 'express';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { closeServer, HTTP_KEEP_ALIVE_TIMEOUT_MS, listen } from './http-server.ts';

describe('listen / closeServer', () => {
  it('keeps idle sockets longer than clients and load balancers do (60 s), headers timer above that', async () => {
    const { server } = await listen(express(), 0, '127.0.0.1');
    try {
      expect(server.keepAliveTimeout).toBe(HTTP_KEEP_ALIVE_TIMEOUT_MS);
      expect(HTTP_KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
      expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    } finally {
      await closeServer(server);
    }
  });

  it('a long keep-alive does not hold shutdown: a request in flight at close finishes, then close resolves', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const app = express();
    app.get('/slow', async (_req, res) => {
      await held;
      res.send('done');
    });
    const { server, port } = await listen(app, 0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true });
    const body = new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
          let s = '';
          res.on('data', (d) => (s += d));
          res.on('end', () => resolve(s));
        })
        .on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 50)); // the request is in the handler
    const closing = closeServer(server);
    release();
    expect(await body).toBe('done');
    const started = Date.now();
    await closing;
    // Far below the 65 s keep-alive: the kept socket was closed once its response went out.
    expect(Date.now() - started).toBeLessThan(5_000);
    agent.destroy();
  });
});
