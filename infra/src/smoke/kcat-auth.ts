import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * kcat (librdkafka) arguments that authenticate like the given KAFKA_SASL_* / KAFKA_SSL_* settings.
 * The password goes into a 0600 config file read with -F, not onto the command line (a process
 * list shows argv to every local user). No SASL settings: no arguments (a PLAINTEXT broker).
 */
export function kcatSecurityArgs(env: Record<string, string | undefined>): string[] {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: user, KAFKA_SASL_PASSWORD: password } = env;
  if (!mechanism || !user || !password) return [];
  const tls = Boolean(env.KAFKA_SSL_CA_FILE) || env.KAFKA_SSL === 'true';
  const lines = [
    `security.protocol=${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`,
    `sasl.mechanisms=${mechanism.toUpperCase()}`,
    `sasl.username=${user}`,
    `sasl.password=${password}`,
    ...(env.KAFKA_SSL_CA_FILE ? [`ssl.ca.location=${env.KAFKA_SSL_CA_FILE}`] : []),
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcat-'));
  const file = path.join(dir, `${user}.properties`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return ['-F', file];
}
