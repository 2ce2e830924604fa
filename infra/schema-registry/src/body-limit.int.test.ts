/**
 * A 50 MB body against the real registry process (main.ts): refused 413, Confluent-shaped,
 * without being read to its end, and nothing registered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ServiceProcess, streamPost } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');
const FIFTY_MB = 50 * 1024 * 1024;
let dataDir: string;
let proc: ServiceProcess;
let base: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-body-'));
  const port = await freePort();
  proc = new ServiceProcess(MAIN, {
    SCHEMA_REGISTRY_PORT: String(port),
    SCHEMA_REGISTRY_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  });
  await proc.waitForLog('schema registry listening', 60_000);
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await proc?.stop(5_000);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('schema registry: a 50 MB body', () => {
  for (const declareLength of [true, false]) {
    it(`is refused 413 Confluent-style without being read (${declareLength ? 'Content-Length' : 'chunked'}), nothing registered`, async () => {
      // Sends nothing (Content-Length) or just past the 1 MiB limit (chunked), then waits: a
      // registry that read the whole body first would never answer (streamPost fails after 10 s).
      const r = await streamPost(`${base}/subjects/retail.big-value/versions`, FIFTY_MB, {
        declareLength,
        sendAtMost: declareLength ? 0 : 2 * 1_048_576,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toEqual({
        error_code: 413,
        message: 'Request body is larger than the 1mb limit',
      });
      const subjects = (await (await fetch(`${base}/subjects`)).json()) as string[];
      expect(subjects).not.toContain('retail.big-value');
      expect(proc.running).toBe(true);
    });
  }
});
