import { describe, expect, it } from 'vitest';
import { ConfigError, hashPassword } from '@retail-stream/runtime';
import { loadRegistryConfig } from './config.ts';

describe('registry config', () => {
  it('applies defaults and resolves the data dir', () => {
    expect(loadRegistryConfig({ SCHEMA_REGISTRY_DATA_DIR: 'rel/dir' })).toMatchObject({
      port: 18081,
      host: '127.0.0.1',
      dataDir: expect.stringMatching(/^\/.*rel\/dir$/),
      defaultCompatibility: 'BACKWARD',
      logLevel: 'info',
    });
  });

  it('accepts the compatibility level in any case', () => {
    const cfg = loadRegistryConfig({
      SCHEMA_REGISTRY_DATA_DIR: '/d',
      SCHEMA_REGISTRY_DEFAULT_COMPATIBILITY: 'full',
    });
    expect(cfg.defaultCompatibility).toBe('FULL');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadRegistryConfig({ SCHEMA_REGISTRY_PORT: 'x', SCHEMA_REGISTRY_DEFAULT_COMPATIBILITY: 'SIDEWAYS' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'SCHEMA_REGISTRY_DATA_DIR',
      'SCHEMA_REGISTRY_DEFAULT_COMPATIBILITY',
      'SCHEMA_REGISTRY_PORT',
    ]);
  });

  it('refuses a registry bound off loopback without users, and takes hashed users', () => {
    expect(() =>
      loadRegistryConfig({ SCHEMA_REGISTRY_DATA_DIR: '/d', SCHEMA_REGISTRY_HOST: '0.0.0.0' }),
    ).toThrow(/SCHEMA_REGISTRY_AUTH_USERS: required when SCHEMA_REGISTRY_HOST/);
    const cfg = loadRegistryConfig({
      SCHEMA_REGISTRY_DATA_DIR: '/d',
      SCHEMA_REGISTRY_HOST: '0.0.0.0',
      SCHEMA_REGISTRY_AUTH_USERS: `admin:${hashPassword('pw')}`,
    });
    expect(cfg.auth.users.map((u) => u.username)).toEqual(['admin']);
    expect(cfg).toMatchObject({ allowPermanentDelete: false, auth: { reads: false } });
  });
});
