import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit.ts';
import { errorMiddleware } from './http-errors.ts';
import { closeServer, listen } from './http-server.ts';
import { streamPost } from './testing/stream-post.ts';

const LIMIT = 256 * 1024;
const handled: number[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(bodyLimit(LIMIT));
  // A parser with a larger limit than the guard's: the guard must be what refuses.
  app.post('/echo', express.json({ limit: LIMIT * 4 }), (req, res) => {
    handled.push(JSON.stringify(req.body).length);
    res.json({ ok: true });
  });
  app.use(errorMiddleware({ error() {}, warn() {} } as never));
  const l = await listen(app, 0, '127.0.0.1');
  server = l.server;
  base = `http://127.0.0.1:${l.port}`;
});
afterAll(() => closeServer(server));

describe('bodyLimit', () => {
  it('passes a body under the limit to the route', async () => {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(1000) }),
    });
    expect(res.status).toBe(200);
    expect(handled).toEqual([1008]);
  });

  for (const declareLength of [true, false]) {
    it(`answers 413 for a body over the limit and the route never sees it (${declareLength ? 'declared' : 'chunked'})`, async () => {
      handled.length = 0;
      // Small enough to be sent whole: a chunked body that ends must not reach the route truncated.
      const r = await streamPost(`${base}/echo`, LIMIT * 3, { declareLength });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toEqual({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `the request body exceeds the ${LIMIT}-byte limit`,
          field: null,
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the linger: the parser gave up
      expect(handled).toEqual([]);
    });
  }
});
