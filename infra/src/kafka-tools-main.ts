import { spawn } from 'node:child_process';
import { KAFKA_TOOLS, isKafkaTool, kafkaToolCommand } from './kafka-tools.ts';
import { serviceEnv } from './service-env.ts';

/**
 * `npm run kafka-tool -- <tool> [args]`: Kafka's own CLI against the local stack (or whatever
 * KAFKA_BROKERS / KAFKA_SASL_* point at), with the bootstrap server and the SASL client settings
 * filled in. Output streams through, so `kafka-console-consumer` can follow a topic.
 */
const [tool, ...args] = process.argv.slice(2);
if (!tool || tool === '--help' || tool === '-h' || !isKafkaTool(tool)) {
  process.stderr.write(
    [
      'usage: npm run kafka-tool -- <tool> [tool args]',
      '',
      `tools: ${Object.keys(KAFKA_TOOLS).join(', ')}`,
      '',
      'examples:',
      '  npm run kafka-tool -- kafka-consumer-groups --describe --group postgres-sink',
      '  npm run kafka-tool -- kafka-consumer-groups --reset-offsets --group postgres-sink --topic retail.events.enriched --to-earliest --dry-run',
      '  npm run kafka-tool -- kafka-console-consumer --topic retail.ops.alerts --from-beginning --max-messages 5',
      '  npm run kafka-tool -- kafka-topics --describe --topic retail.pos.events',
      '',
      '--bootstrap-server and the SASL settings come from the environment (npm run infra:up prints them) unless given.',
      '',
    ].join('\n'),
  );
  process.exit(tool && tool !== '--help' && tool !== '-h' ? 64 : 0);
}
const cmd = await kafkaToolCommand(tool, args, serviceEnv(), (m) => process.stderr.write(`${m}\n`));
const child = spawn(cmd.java, cmd.args, { stdio: 'inherit' });
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward).on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  cmd.cleanup();
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
});
