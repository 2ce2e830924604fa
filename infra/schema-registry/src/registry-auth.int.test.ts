/**
 * The registry's access control, attacked over HTTP against the real entry point (main.ts as a
 * child process, configured the way `infra:up` configures it): every change without credentials
 * or with a wrong password is refused Confluent-style and changes nothing; reads stay open; a hard
 * delete is refused even with credentials unless the registry enables it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, AvroSerde, hashPassword } from '@retail-stream/runtime';
import { freePort, ServiceProcess } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');
const USER = 'registry-admin';
const PASSWORD = crypto.randomBytes(18).toString('base64url');
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const subject = 'retail.auth-test-value';
const record = (fields: object[]) => ({ type: 'record', name: 'AuthTest', namespace: 'retail', fields });
const v1 = record([{ name: 'sku', type: 'string' }]);
const v2 = record([
  { name: 'sku', type: 'string' },
  { name: 'qty', type: 'int', default: 1 },
]);

const dirs: string[] = [];
const procs: ServiceProcess[] = [];

async function startRegistry(extra: Record<string, string> = {}): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-auth-'));
  dirs.push(dataDir);
  const port = await freePort();
  const proc = new ServiceProcess(MAIN, {
    SCHEMA_REGISTRY_PORT: String(port),
    SCHEMA_REGISTRY_DATA_DIR: dataDir,
    SCHEMA_REGISTRY_AUTH_USERS: `${USER}:${hashPassword(PASSWORD)}`,
    LOG_LEVEL: 'info',
    ...extra,
  });
  procs.push(proc);
  await proc.waitForLog('schema registry listening', 60_000);
  return `http://127.0.0.1:${port}`;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function api(
  base: string,
  method: string,
  urlPath: string,
  opts: { body?: unknown; auth?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = CONTENT_TYPE;
  if (opts.auth) headers.authorization = opts.auth;
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    body: (text ? JSON.parse(text) : undefined) as any, // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop(10_000)));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('schema registry with basic auth (reads open, hard delete off)', () => {
  let base: string;
  const admin = () => basic(USER, PASSWORD);
  beforeAll(async () => {
    base = await startRegistry();
    // The client the services use, given the credentials the way fromConfig gets them from clientEnv().
    const serde = AvroSerde.fromConfig({
      SCHEMA_REGISTRY_URL: base,
      SCHEMA_REGISTRY_USERNAME: USER,
      SCHEMA_REGISTRY_PASSWORD: PASSWORD,
    });
    expect(await serde.register(v1, subject)).toBeGreaterThan(0);
  }, 90_000);

  it('refuses every change without credentials or with a wrong password, Confluent-style, and nothing changes', async () => {
    const before = {
      versions: (await api(base, 'GET', `/subjects/${subject}/versions`)).body,
      config: (await api(base, 'GET', '/config')).body,
      subjectConfig: (await api(base, 'GET', `/config/${subject}`)).body,
      subjects: (await api(base, 'GET', '/subjects?deleted=true')).body,
    };
    expect(before.versions).toEqual([1]);
    for (const auth of [undefined, basic(USER, 'wrong-password'), basic('mallory', PASSWORD), 'Bearer x']) {
      const attempts = [
        api(base, 'POST', `/subjects/${subject}/versions`, { body: { schema: JSON.stringify(v2) }, auth }),
        api(base, 'POST', '/subjects/retail.forged-value/versions', {
          body: { schema: JSON.stringify(v1) },
          auth,
        }),
        api(base, 'PUT', '/config', { body: { compatibility: 'NONE' }, auth }),
        api(base, 'PUT', `/config/${subject}`, { body: { compatibility: 'NONE' }, auth }),
        api(base, 'DELETE', `/config/${subject}`, { auth }),
        api(base, 'PUT', '/mode', { body: { mode: 'IMPORT' }, auth }),
        api(base, 'DELETE', `/subjects/${subject}/versions/1`, { auth }),
        api(base, 'DELETE', `/subjects/${subject}`, { auth }),
        api(base, 'DELETE', `/subjects/${subject}?permanent=true`, { auth }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error_code: 401, message: 'Unauthorized' });
        expect(res.challenge).toMatch(/^Basic realm=/);
      }
    }
    expect((await api(base, 'GET', `/subjects/${subject}/versions`)).body).toEqual(before.versions);
    expect((await api(base, 'GET', '/config')).body).toEqual(before.config);
    expect((await api(base, 'GET', '/subjects?deleted=true')).body).toEqual(before.subjects);
    expect((await api(base, 'GET', `/config/${subject}`)).body).toEqual(before.subjectConfig);
    expect(before.subjectConfig).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('the serde without credentials fails with a non-retriable REGISTRY_UNAUTHENTICATED, not an outage', async () => {
    const err = await AvroSerde.fromUrl(base)
      .register(v2, subject)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('REGISTRY_UNAUTHENTICATED');
    expect((err as AppError).retriable).toBe(false);
    expect((await api(base, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
  });

  it('keeps reads open: lookups, schemas by id, compatibility checks', async () => {
    const found = await api(base, 'POST', `/subjects/${subject}`, { body: { schema: JSON.stringify(v1) } });
    expect(found.status).toBe(200);
    expect(found.body.version).toBe(1);
    expect((await api(base, 'GET', `/schemas/ids/${found.body.id}`)).status).toBe(200);
    const check = await api(base, 'POST', `/compatibility/subjects/${subject}/versions/latest`, {
      body: { schema: JSON.stringify(v2) },
    });
    expect(check).toMatchObject({ status: 200, body: { is_compatible: true } });
  });

  it('accepts changes with credentials, but refuses a hard delete even then (403, 40301) and keeps the schema', async () => {
    const reg = await api(base, 'POST', `/subjects/${subject}/versions`, {
      body: { schema: JSON.stringify(v2) },
      auth: admin(),
    });
    expect(reg.status).toBe(200);
    expect((await api(base, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    expect((await api(base, 'DELETE', `/subjects/${subject}/versions/2`, { auth: admin() })).body).toBe(2);

    const hard = await api(base, 'DELETE', `/subjects/${subject}/versions/2?permanent=true`, {
      auth: admin(),
    });
    expect(hard.status).toBe(403);
    expect(hard.body.error_code).toBe(40301);
    // Still there, soft-deleted: records written with it stay decodable.
    expect((await api(base, 'GET', `/subjects/${subject}/versions?deleted=true`)).body).toEqual([1, 2]);
    expect((await api(base, 'GET', `/schemas/ids/${reg.body.id}`)).status).toBe(200);
  });
});

describe('schema registry options', () => {
  it('hard-deletes only when SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE is on, and still only with credentials', async () => {
    const base = await startRegistry({ SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE: 'true' });
    const auth = basic(USER, PASSWORD);
    const body = { schema: JSON.stringify(v1) };
    expect((await api(base, 'POST', `/subjects/${subject}/versions`, { body, auth })).status).toBe(200);
    expect((await api(base, 'DELETE', `/subjects/${subject}`, { auth })).body).toEqual([1]);
    expect((await api(base, 'DELETE', `/subjects/${subject}?permanent=true`)).status).toBe(401);
    expect((await api(base, 'GET', '/subjects?deleted=true')).body).toEqual([subject]);
    expect((await api(base, 'DELETE', `/subjects/${subject}?permanent=true`, { auth })).body).toEqual([1]);
    expect((await api(base, 'GET', '/subjects?deleted=true')).body).toEqual([]);
  }, 90_000);

  it('with SCHEMA_REGISTRY_AUTH_READS every API read needs credentials too; ops endpoints stay open', async () => {
    const base = await startRegistry({ SCHEMA_REGISTRY_AUTH_READS: 'true' });
    const open = await api(base, 'GET', '/subjects');
    expect(open).toMatchObject({ status: 401, body: { error_code: 401 } });
    expect((await api(base, 'GET', '/subjects', { auth: basic(USER, PASSWORD) })).body).toEqual([]);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, 90_000);

  it('refuses to start bound off loopback without users (exit 78)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-auth-'));
    dirs.push(dataDir);
    const proc = new ServiceProcess(MAIN, {
      SCHEMA_REGISTRY_PORT: String(await freePort()),
      SCHEMA_REGISTRY_HOST: '0.0.0.0',
      SCHEMA_REGISTRY_DATA_DIR: dataDir,
    });
    procs.push(proc);
    expect(await proc.exited).toBe(78);
    expect(proc.output).toMatch(/SCHEMA_REGISTRY_AUTH_USERS: required when SCHEMA_REGISTRY_HOST/);
  }, 60_000);
});
