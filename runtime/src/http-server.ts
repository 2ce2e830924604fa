import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) is shorter than the idle
 * timeout of the clients and proxies in front of us (undici/fetch reuses a socket for up to 4 s
 * after its last response, load balancers for 60 s), so under load a client could send a request
 * on a socket the server was closing at that moment and see `fetch failed` (ECONNRESET). The
 * server must be the side that waits longer: above a load balancer's usual 60 s.
 */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Resolves once listening; port 0 picks a free port (tests), read it back from the result. */
export function listen(app: Express, port: number, host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.keepAliveTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS;
    // Must exceed keepAliveTimeout, or a request arriving late on a kept socket is cut by the
    // headers timer (nodejs/node#27363).
    server.headersTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000;
    server.once('listening', () => resolve({ server, port: (server.address() as AddressInfo).port }));
    server.once('error', reject);
  });
}

/**
 * Stops accepting, lets in-flight requests finish, then drops keep-alive sockets as soon as they
 * are idle: a socket busy at close becomes idle only after its response, and would otherwise hold
 * shutdown for the whole keep-alive timeout.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close((err) => {
      clearInterval(sweep);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
