import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { infraConfigSchema, PG_HQ_DATABASE, PG_USER, repoRoot } from './infra-config.ts';
import { JETTY_PASSWORDS_FILE } from './registry-credentials.ts';
import { composeKafkaSetupScript } from './compose-kafka-setup.ts';
import { KAFKA_PRINCIPALS } from './kafka-principals.ts';

/**
 * docker-compose.yml cannot run here (no Docker engine), so this keeps it honest against the
 * local stack: same services, same port variables with the same defaults, loopback-only binds.
 */
interface ComposeService {
  image: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  command?: string[];
}
const compose = parse(fs.readFileSync(path.join(repoRoot, 'infra/docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const defaults = infraConfigSchema.parse({});
const portVar = /^127\.0\.0\.1:\$\{([A-Z_]+):-(\d+)\}:/;

describe('infra/docker-compose.yml', () => {
  it('runs exactly the services infra:up runs, plus the one-shot Kafka users and ACLs setup', async () => {
    const { allServices } = await import('./services/index.ts');
    expect(Object.keys(compose.services).sort()).toEqual(
      [...allServices.map((s) => s.name), 'kafka-setup'].sort(),
    );
  });

  it('runs Kafka deny-by-default: SASL on every listener, the StandardAuthorizer, no ACL = refused', () => {
    const env = compose.services.kafka!.environment!;
    expect(
      String(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP)
        .split(',')
        .every((l) => l.endsWith(':SASL_PLAINTEXT')),
    ).toBe(true);
    expect(env).toMatchObject({
      KAFKA_AUTHORIZER_CLASS_NAME: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: 'false',
      KAFKA_SUPER_USERS: 'User:admin',
      KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS: 'SCRAM-SHA-512',
    });
    expect(compose.services['schema-registry']!.environment).toMatchObject({
      SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM: 'SCRAM-SHA-512',
    });
  });

  it('creates the users and ACLs of kafka-principals.ts (run `npm run infra:compose-setup` after changing it)', () => {
    const script = fs.readFileSync(path.join(repoRoot, 'infra/kafka/compose-setup.sh'), 'utf8');
    expect(script).toBe(composeKafkaSetupScript());
    const setup = compose.services['kafka-setup'] as ComposeService & { volumes: string[] };
    expect(setup.volumes).toContain('./kafka/compose-setup.sh:/setup/compose-setup.sh:ro');
    expect(
      setup.volumes.some((v) => v.endsWith('/secrets/kafka-users.json:/secrets/kafka-users.json:ro')),
    ).toBe(true);
    for (const p of KAFKA_PRINCIPALS) expect(script).toContain(` ${p.name}`);
  });

  it('publishes each port on 127.0.0.1 through the same variable and default as the local config', () => {
    const seen: string[] = [];
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const mapping of svc.ports ?? []) {
        const m = portVar.exec(mapping);
        expect(m, `${name}: ${mapping} must look like 127.0.0.1:\${VAR:-default}:…`).not.toBeNull();
        const [, variable, def] = m!;
        expect(Object.keys(defaults), `${name}: ${variable} is not a local infra setting`).toContain(
          variable,
        );
        expect(String(defaults[variable as keyof typeof defaults]), `${name}: default of ${variable}`).toBe(
          def,
        );
        seen.push(variable!);
      }
    }
    expect(seen.sort()).toEqual(
      [
        'CASSANDRA_PORT',
        'CLICKHOUSE_HTTP_PORT',
        'CLICKHOUSE_TCP_PORT',
        'KAFKA_PORT',
        'PG_PORT',
        'SCHEMA_REGISTRY_PORT',
      ].sort(),
    );
  });

  it('uses the same Postgres role and database, Kafka and Cassandra versions as the local stack', () => {
    const pg = compose.services.postgres!;
    expect(pg.environment).toMatchObject({ POSTGRES_USER: PG_USER, POSTGRES_DB: PG_HQ_DATABASE });
    const kafkaPom = fs.readFileSync(path.join(repoRoot, 'infra/kafka/pom.xml'), 'utf8');
    const kafkaVersion = /<kafka\.version>([^<]+)</.exec(kafkaPom)?.[1];
    expect(kafkaVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compose.services.kafka!.image).toBe(`apache/kafka:${kafkaVersion}`);
    const cassPom = fs.readFileSync(path.join(repoRoot, 'infra/cassandra/pom.xml'), 'utf8');
    const cassVersion = /<artifactId>cassandra-all<\/artifactId>\s*<version>(\d+\.\d+)/.exec(cassPom)?.[1];
    expect(compose.services.cassandra!.image).toBe(`cassandra:${cassVersion}`);
    expect(compose.services['schema-registry']!.image).toMatch(/^confluentinc\/cp-schema-registry:/);
  });

  it('puts the registry behind basic auth from the users file infra:up writes', () => {
    const registry = compose.services['schema-registry']! as ComposeService & { volumes?: string[] };
    expect(registry.environment).toMatchObject({ SCHEMA_REGISTRY_AUTHENTICATION_METHOD: 'BASIC' });
    expect(registry.environment?.SCHEMA_REGISTRY_OPTS).toContain('java.security.auth.login.config');
    expect(fs.existsSync(path.join(repoRoot, 'infra/schema-registry/confluent-jaas.conf'))).toBe(true);
    expect(registry.volumes?.some((v) => v.includes(`secrets/${JETTY_PASSWORDS_FILE}:`))).toBe(true);
  });
});
