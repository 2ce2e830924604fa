import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { kcatSecurityArgs } from '@retail-stream/infra';
import type { BenchKafkaEnv } from './bench-kafka-env.ts';
import type { RunResult } from './scenario.ts';

const TIME = '/usr/bin/time';
const KCAT = '/usr/bin/kcat';

/** Why the kcat ceiling cannot be measured here, or undefined. */
export function kcatUnavailable(): string | undefined {
  if (!existsSync(KCAT)) return `${KCAT} is not installed (scripts/install-system-deps.sh installs it)`;
  if (!existsSync(TIME)) return `${TIME} is not installed (Debian package time)`;
  return undefined;
}

/**
 * The consume ceiling of this machine and broker, measured in the same run as the clients: kcat
 * (librdkafka in C, no JavaScript) reads every partition of the topic from the beginning to its
 * end (-e) with no group, printing one line per record (counted here). Wall time includes its connect and metadata (tens
 * of ms); /usr/bin/time gives its user + system CPU, all threads.
 */
export function kcatConsume(
  env: BenchKafkaEnv,
  topic: string,
  records: number,
  bytes: number,
): Promise<Omit<RunResult, 'rssBaseMiB'>> {
  const s = env.security;
  const security = kcatSecurityArgs({
    KAFKA_SASL_MECHANISM: s.KAFKA_SASL_MECHANISM,
    KAFKA_SASL_USERNAME: s.KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD: s.KAFKA_SASL_PASSWORD,
    KAFKA_SSL: s.KAFKA_SSL ? 'true' : undefined,
    KAFKA_SSL_CA_FILE: s.KAFKA_SSL_CA_FILE,
  });
  const args = [
    '-f',
    '%e %U %S %M',
    KCAT,
    '-C',
    '-b',
    env.brokers.join(','),
    ...security,
    '-t',
    topic,
    '-o',
    'beginning',
    '-e',
    '-q',
    // One short line per record, counted here: proof that it read them all, at little cost to it.
    '-f',
    '%p\\n',
    // Same fetch size per partition as the clients.
    '-X',
    `max.partition.fetch.bytes=${4 * 1024 * 1024}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let read = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (const b of d) if (b === 10) read++;
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const last = err.trim().split('\n').at(-1) ?? '';
      const [wall, user, sys, maxRssKiB] = last.split(' ').map(Number);
      if (code !== 0 || wall === undefined || Number.isNaN(wall))
        return reject(new Error(`kcat exited ${code}: ${err.slice(-500)}`));
      if (read !== records) return reject(new Error(`kcat read ${read} of ${records} records`));
      resolve({
        records: read,
        bytes,
        seconds: wall,
        cpuSeconds: user! + sys!,
        rssPeakMiB: maxRssKiB! / 1024,
      });
    });
  });
}
