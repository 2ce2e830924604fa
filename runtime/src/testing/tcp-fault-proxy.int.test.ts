import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../../../infra/src/service-env.ts';
import { TcpFaultProxy } from './tcp-fault-proxy.ts';

describe('TcpFaultProxy in front of the real Postgres', () => {
  const url = new URL(serviceEnv().PG_URL!);
  let proxy: TcpFaultProxy;

  afterAll(async () => {
    await proxy?.close();
  });

  it('passes queries through, fails them while cut, and passes them again after restore', async () => {
    proxy = await TcpFaultProxy.start({ host: url.hostname, port: Number(url.port) });
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const query = async () => {
      const client = new pg.Client({ connectionString: viaProxy.toString(), connectionTimeoutMillis: 2_000 });
      try {
        await client.connect();
        return (await client.query<{ n: number }>('SELECT 41 + 1 AS n')).rows[0]!.n;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    expect(await query()).toBe(42);
    proxy.cut();
    await expect(query()).rejects.toThrow();
    proxy.restore();
    expect(await query()).toBe(42);
  });
});
