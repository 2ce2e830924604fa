import { spawn } from 'node:child_process';
import path from 'node:path';
import kafkajs, { Kafka, logLevel, type Admin, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import { repoRoot } from './infra-config.ts';
import { InfraError } from './infra-error.ts';
import { ADMIN_PRINCIPAL, KAFKA_PRINCIPALS, type KafkaGrant } from './kafka-principals.ts';
import type { KafkaPasswords } from './kafka-secrets.ts';

// kafkajs is CommonJS and Node cannot see its ACL enums as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclOperationTypes = kafkajs.AclOperationTypes;
type AclPermissionTypes = kafkajs.AclPermissionTypes;
type AclResourceTypes = kafkajs.AclResourceTypes;
type ResourcePatternTypes = kafkajs.ResourcePatternTypes;

/**
 * Makes the running broker match kafka-principals.ts, idempotently, on every infra:up: a SCRAM user
 * per principal with its password from the secrets file, exactly the ACLs the table grants (missing
 * ones created, ones no longer granted removed).
 */
export interface AccessTarget {
  brokers: string[];
  /** kafkajs sasl/ssl for a principal. */
  security: (username: string, password: string) => Pick<KafkaJsConfig, 'sasl' | 'ssl'>;
  java: string;
  libDir: string;
  tls: boolean;
  caFile: string;
}

const client = (t: AccessTarget, user: string, pw: string) =>
  new Kafka({
    clientId: 'rs-infra-access',
    brokers: t.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 0 },
    ...t.security(user, pw),
  });

/** A principal whose password the broker does not accept (new principal, rotated or never created). */
async function refusedUsers(t: AccessTarget, pw: KafkaPasswords): Promise<string[]> {
  const refused: string[] = [];
  for (const p of KAFKA_PRINCIPALS.filter((x) => x.name !== ADMIN_PRINCIPAL)) {
    const admin = client(t, p.name, pw[p.name]!).admin();
    try {
      await admin.connect();
    } catch (err) {
      if ((err as Error).name !== 'KafkaJSSASLAuthenticationError') throw err;
      refused.push(p.name);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  return refused;
}

/** kafkajs cannot write SCRAM credentials: the Java AdminClient of the cached Kafka jars does. */
async function upsertScramUsers(t: AccessTarget, pw: KafkaPasswords, names: string[]): Promise<void> {
  const stdin = [
    t.brokers.join(','),
    t.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT',
    pw[ADMIN_PRINCIPAL],
    t.tls ? t.caFile : '-',
    ...names.map((n) => `${n} ${pw[n]}`),
    '',
  ].join('\n');
  const source = path.join(repoRoot, 'infra', 'kafka', 'ScramUsers.java');
  const child = spawn(t.java, ['-Xmx128m', '-cp', path.join(t.libDir, '*'), source], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) {
    throw new InfraError(
      'KAFKA_SECURITY_SETUP_FAILED',
      `kafka: creating SCRAM users ${names.join(', ')} failed`,
      'check that the broker accepts the admin password of <RS_DATA_DIR>/secrets/kafka-users.json',
      output
        .split('\n')
        .filter((l) => l.trim() && !/^\s+at /.test(l))
        .slice(-12)
        .join('\n'),
    );
  }
}

interface Binding {
  resourceType: AclResourceTypes;
  resourceName: string;
  resourcePatternType: ResourcePatternTypes;
  principal: string;
  host: string;
  operation: AclOperationTypes;
  permissionType: AclPermissionTypes;
}

const RESOURCE: Record<KafkaGrant['resource'], AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  'transactional-id': AclResourceTypes.TRANSACTIONAL_ID,
  cluster: AclResourceTypes.CLUSTER,
};

/** Every ALLOW binding kafka-principals.ts grants. */
export function grantedBindings(): Binding[] {
  return KAFKA_PRINCIPALS.flatMap((p) =>
    p.grants.flatMap((g) =>
      g.operations.map((op) => ({
        resourceType: RESOURCE[g.resource],
        resourceName: g.name,
        resourcePatternType:
          g.resource === 'cluster' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
        principal: `User:${p.name}`,
        host: '*',
        operation: AclOperationTypes[op],
        permissionType: AclPermissionTypes.ALLOW,
      })),
    ),
  );
}

const keyOf = (b: Binding) =>
  [
    b.resourceType,
    b.resourceName,
    b.resourcePatternType,
    b.principal,
    b.host,
    b.operation,
    b.permissionType,
  ].join('|');

async function currentBindings(admin: Admin): Promise<Binding[]> {
  const res = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const ours = new Set(KAFKA_PRINCIPALS.map((p) => `User:${p.name}`));
  return res.resources.flatMap((r) =>
    r.acls
      .filter((a) => ours.has(a.principal))
      .map((a) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        resourcePatternType: r.resourcePatternType,
        principal: a.principal,
        host: a.host,
        operation: a.operation,
        permissionType: a.permissionType,
      })),
  );
}

export async function ensureKafkaAccess(
  t: AccessTarget,
  pw: KafkaPasswords,
  say: (m: string) => void,
): Promise<void> {
  const refused = await refusedUsers(t, pw);
  if (refused.length > 0) {
    say(`kafka: creating SCRAM users ${refused.join(', ')}…`);
    await upsertScramUsers(t, pw, refused);
  }
  const admin = client(t, ADMIN_PRINCIPAL, pw[ADMIN_PRINCIPAL]!).admin();
  try {
    await admin.connect();
    const want = grantedBindings();
    const have = await currentBindings(admin);
    const haveKeys = new Set(have.map(keyOf));
    const wantKeys = new Set(want.map(keyOf));
    const missing = want.filter((b) => !haveKeys.has(keyOf(b)));
    const stale = have.filter((b) => !wantKeys.has(keyOf(b)));
    if (missing.length > 0) await admin.createAcls({ acl: missing });
    if (stale.length > 0) await admin.deleteAcls({ filters: stale });
    if (missing.length + stale.length > 0) {
      say(`kafka: ACLs updated (${missing.length} added, ${stale.length} removed)`);
    }
  } catch (err) {
    if (err instanceof InfraError) throw err;
    throw new InfraError(
      'KAFKA_SECURITY_SETUP_FAILED',
      `kafka: applying the ACLs of kafka-principals.ts failed: ${(err as Error).message}`,
      'check the broker log (npm run infra:logs -- kafka)',
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
