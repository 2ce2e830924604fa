import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HOST, kafkaCaFile, kafkaUsersFile, type InfraConfig } from './infra-config.ts';
import { ADMIN_PRINCIPAL, KAFKA_PRINCIPALS } from './kafka-principals.ts';

/**
 * The local stack's Kafka secrets: one generated SCRAM password per principal and, with
 * KAFKA_TLS=true, a CA and broker certificate made with openssl. All under <RS_DATA_DIR>/secrets
 * (0700 folder, 0600 files): never in the repository, never printed.
 */
const tlsDir = (cfg: InfraConfig) => path.dirname(kafkaCaFile(cfg));

export type KafkaPasswords = Record<string, string>;

const newPassword = () => crypto.randomBytes(24).toString('base64url');

function writePrivate(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed: a reader never sees half a file, and the mode is set before any content.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function readKafkaPasswords(cfg: InfraConfig): KafkaPasswords | undefined {
  try {
    return JSON.parse(fs.readFileSync(kafkaUsersFile(cfg), 'utf8')) as KafkaPasswords;
  } catch {
    return undefined;
  }
}

/** Every principal of kafka-principals.ts has a password; existing ones are kept (rotation = delete the entry). */
export function ensureKafkaPasswords(cfg: InfraConfig): KafkaPasswords {
  const current = readKafkaPasswords(cfg) ?? {};
  const missing = KAFKA_PRINCIPALS.filter((p) => !current[p.name]);
  if (missing.length === 0) return current;
  const next = { ...current, ...Object.fromEntries(missing.map((p) => [p.name, newPassword()])) };
  writePrivate(kafkaUsersFile(cfg), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

export const adminPassword = (pw: KafkaPasswords): string => pw[ADMIN_PRINCIPAL]!;

export interface BrokerTls {
  keystore: string;
  keystorePassword: string;
  caFile: string;
}

/**
 * A local CA and a broker certificate for 127.0.0.1/localhost, made once. Clients trust the CA
 * (KAFKA_SSL_CA_FILE); the broker trusts it too for its own inter-broker connections.
 */
export function ensureBrokerTls(cfg: InfraConfig): BrokerTls {
  const dir = tlsDir(cfg);
  const out: BrokerTls = {
    keystore: path.join(dir, 'broker.p12'),
    keystorePassword: '',
    caFile: kafkaCaFile(cfg),
  };
  const passFile = path.join(dir, 'broker.p12.password');
  if (fs.existsSync(out.keystore) && fs.existsSync(passFile) && fs.existsSync(out.caFile)) {
    return { ...out, keystorePassword: fs.readFileSync(passFile, 'utf8').trim() };
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '825',
    '-subj',
    '/CN=retail-stream local CA',
    '-keyout',
    f('ca.key'),
    '-out',
    out.caFile,
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${HOST}`,
    '-keyout',
    f('broker.key'),
    '-out',
    f('broker.csr'),
  );
  fs.writeFileSync(f('broker.ext'), `subjectAltName=IP:${HOST},DNS:localhost\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    f('broker.csr'),
    '-CA',
    out.caFile,
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '825',
    '-extfile',
    f('broker.ext'),
    '-out',
    f('broker.pem'),
  );
  const password = newPassword();
  writePrivate(passFile, `${password}\n`);
  // PKCS12 because Kafka reads it without keytool; the password reaches openssl through a file, not argv.
  ssl(
    'pkcs12',
    '-export',
    '-in',
    f('broker.pem'),
    '-inkey',
    f('broker.key'),
    '-certfile',
    out.caFile,
    '-name',
    'broker',
    '-out',
    out.keystore,
    '-passout',
    `file:${passFile}`,
  );
  for (const name of ['ca.key', 'broker.key', 'broker.p12']) fs.chmodSync(f(name), 0o600);
  return { ...out, keystorePassword: password };
}
