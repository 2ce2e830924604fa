import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadInfraConfig, repoRoot } from './infra-config.ts';
import { javaAndJars } from './maven-artifacts.ts';

const run = promisify(execFile);

/**
 * Kafka's own command-line tools, run from the jars of the broker's version (infra/kafka-tools/pom.xml),
 * so a user can point the tools they already know at our topics and groups. Each tool names the flag
 * it reads client settings from; the SASL/TLS settings of the environment go there.
 */
export const KAFKA_TOOLS = {
  'kafka-consumer-groups': {
    main: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    config: '--command-config',
  },
  'kafka-console-consumer': {
    main: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    config: '--consumer.config',
  },
  'kafka-console-producer': { main: 'kafka.tools.ConsoleProducer', config: '--producer.config' },
  'kafka-topics': { main: 'org.apache.kafka.tools.TopicCommand', config: '--command-config' },
  'kafka-get-offsets': { main: 'org.apache.kafka.tools.GetOffsetShell', config: '--command-config' },
  'kafka-configs': { main: 'kafka.admin.ConfigCommand', config: '--command-config' },
  'kafka-acls': { main: 'kafka.admin.AclCommand', config: '--command-config' },
} as const;

export type KafkaToolName = keyof typeof KAFKA_TOOLS;

export function isKafkaTool(name: string): name is KafkaToolName {
  return Object.hasOwn(KAFKA_TOOLS, name);
}

const POM = path.join(repoRoot, 'infra', 'kafka-tools', 'pom.xml');
const LOG4J = path.join(repoRoot, 'infra', 'kafka-tools', 'tools-log4j.properties');

/**
 * Java client properties equivalent to the KAFKA_SASL_* / KAFKA_SSL* settings every service reads
 * (runtime/src/kafka-security.ts), or undefined for a PLAINTEXT broker.
 */
export function clientProperties(env: Record<string, string | undefined>): string | undefined {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const tls = env.KAFKA_SSL === 'true' || Boolean(env.KAFKA_SSL_CA_FILE);
  if (!mechanism && !tls) return undefined;
  const lines: string[] = [];
  lines.push(`security.protocol=${mechanism ? (tls ? 'SASL_SSL' : 'SASL_PLAINTEXT') : 'SSL'}`);
  if (mechanism) {
    const javaMechanism = mechanism.toUpperCase();
    const module =
      javaMechanism === 'PLAIN'
        ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
        : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    // JAAS string literals: a backslash or quote in a password must be escaped.
    const quote = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    lines.push(`sasl.mechanism=${javaMechanism}`);
    lines.push(
      `sasl.jaas.config=${module} required username=${quote(env.KAFKA_SASL_USERNAME ?? '')} password=${quote(env.KAFKA_SASL_PASSWORD ?? '')};`,
    );
  }
  if (env.KAFKA_SSL_CA_FILE) {
    lines.push('ssl.truststore.type=PEM', `ssl.truststore.location=${env.KAFKA_SSL_CA_FILE}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ToolCommand {
  java: string;
  args: string[];
  /** Removes the temporary client properties file (it holds the password). */
  cleanup(): void;
}

/**
 * The java command line for one tool with `args`, adding `--bootstrap-server` (first broker of
 * KAFKA_BROKERS) and the client-settings flag unless the caller passed them. The properties file
 * is created 0600 in a private temp folder; call cleanup() when the process has ended.
 */
export async function kafkaToolCommand(
  tool: KafkaToolName,
  args: string[],
  env: Record<string, string | undefined>,
  say: (m: string) => void = () => {},
): Promise<ToolCommand> {
  const { java, libDir } = await javaAndJars(
    POM,
    loadInfraConfig(env as NodeJS.ProcessEnv).RS_CACHE_DIR,
    say,
  );
  const { main, config } = KAFKA_TOOLS[tool];
  const extra: string[] = [];
  if (!args.includes('--bootstrap-server') && env.KAFKA_BROKERS) {
    extra.push('--bootstrap-server', env.KAFKA_BROKERS.split(',')[0]!);
  }
  const props = clientProperties(env);
  let dir: string | undefined;
  if (props && !args.includes(config)) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-tool-'));
    const file = path.join(dir, 'client.properties');
    fs.writeFileSync(file, props, { mode: 0o600 });
    extra.push(config, file);
  }
  return {
    java,
    // C1 only: these are short-lived processes, where start time dominates.
    args: [
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j.configuration=file:${LOG4J}`,
      '-cp',
      path.join(libDir, '*'),
      main,
      ...args,
      ...extra,
    ],
    cleanup: () => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a tool to completion and returns its output (rejects with it on a non-zero exit). */
export async function runKafkaTool(
  tool: KafkaToolName,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string }> {
  const cmd = await kafkaToolCommand(tool, args, env);
  try {
    return await run(cmd.java, cmd.args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  } finally {
    cmd.cleanup();
  }
}
