import { describe, expect, it } from 'vitest';
import { loadInfraConfig } from '../infra-config.ts';
import { PG_HBA, projectConf } from './postgres.ts';

describe('Postgres settings infra owns', () => {
  const conf = projectConf(loadInfraConfig({ PG_PORT: '55999' }), { socketDir: '/tmp/pg-run' });
  const settings = new Map(
    conf
      .split('\n')
      .filter((l) => l.includes(' = ') && !l.startsWith('#'))
      .map((l) => l.split(' = ') as [string, string]),
  );

  it('enables logical decoding with room for replication slots (Debezium peer, issue 14)', () => {
    expect(settings.get('wal_level')).toBe('logical');
    expect(Number(settings.get('max_replication_slots'))).toBeGreaterThanOrEqual(4);
    expect(Number(settings.get('max_wal_senders'))).toBeGreaterThanOrEqual(4);
  });

  it('lets loopback replication connections in (a logical-decoding reader needs one)', () => {
    expect(PG_HBA.split('\n')).toContainEqual(
      expect.stringMatching(/^host\s+replication\s+all\s+127\.0\.0\.1\/32\s+trust$/),
    );
  });

  it('keeps durability on and the port from the config', () => {
    expect(settings.get('fsync')).toBe('on');
    expect(settings.get('synchronous_commit')).toBe('on');
    expect(settings.get('port')).toBe('55999');
  });
});
