import path from 'node:path';
import { freePort, ServiceProcess, streamPost } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from '../../test/harness.ts';
import { sha256Hex } from './token-auth.ts';

/**
 * The reports API as a real process (src/reports-main.ts) whose database is unreachable: /readyz
 * must say "not ready" without the driver's text (host, port, user, password), and a 50 MB body
 * must be refused 413 unread, by the runtime's guard every service gets.
 */
const TOKEN = 'reports-hardening-token-0123456789';
const PASSWORD = 'Sup3rS3cretPw';
let proc: ServiceProcess;
let base: string;
let deadPort: number;

beforeAll(async () => {
  deadPort = await freePort(); // nothing listens there: every connect is refused
  proc = new ServiceProcess(
    path.join(PACKAGE_DIR, 'src/reports-main.ts'),
    {
      PG_URL: `postgres://retail:${PASSWORD}@127.0.0.1:${deadPort}/retail_hq`,
      REPORTS_PORT: '0',
      REPORTS_API_TOKEN_SHA256: sha256Hex(TOKEN),
      PG_CONNECT_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_S: '5',
    },
    { cwd: PACKAGE_DIR },
  );
  base = `http://127.0.0.1:${await proc.port()}`;
});

afterAll(async () => {
  await proc?.stop(5_000);
});

describe('reports API hardening (real process)', () => {
  it('/readyz answers 503 "not ready" without database error text; the log has it', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'not ready', checks: { postgres: 'not ready' } });
    for (const leak of ['ECONNREFUSED', '127.0.0.1', String(deadPort), PASSWORD, 'retail', 'connect']) {
      expect(text).not.toContain(leak);
    }
    const logged = await proc.waitForLog('not ready');
    expect(JSON.stringify(logged.checks)).toMatch(/ECONNREFUSED/);
    // Nor does the log carry the password (it is in PG_URL, never in the driver's message).
    expect(proc.output).not.toContain(PASSWORD);
  });

  // A chunked body is counted as it is read: the gateway's test covers it on a route that reads
  // bodies (this API has none; a chunked POST here is answered 404 at once, unread).
  for (const declareLength of [true]) {
    it(`refuses a 50 MB body 413 without reading it (Content-Length)`, async () => {
      const fifty = 50 * 1024 * 1024;
      // Only the headers go out, then the client waits: an API that read the body before
      // refusing would never answer (streamPost fails after 10 s). CI once saw 27.8 MB leave a
      // client that kept sending while a loaded machine delivered the 413 (2026-12-07).
      const r = await streamPost(`${base}/v1/stores`, fifty, {
        declareLength,
        sendAtMost: 0,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toEqual({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `the request body exceeds the ${16 * 1024 * 1024}-byte limit`,
          field: null,
        },
      });
      expect(r.ms).toBeLessThan(10_000);
      expect(proc.running).toBe(true);
    });
  }
});
