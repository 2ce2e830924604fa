import { pathToFileURL } from 'node:url';
import { AppError } from '@retail-stream/runtime';
import { CommanderError } from 'commander';
import { processEnv } from './cli-kit/config.ts';
import { CliContext, type CliIo } from './cli-kit/context.ts';
import { EXIT, exitCodeFor } from './cli-kit/exit-codes.ts';
import { jsonReplacer } from './cli-kit/output.ts';
import { registerCommands } from './commands/index.ts';
import { buildProgram } from './program.ts';

/**
 * `retail …`: builds the program, runs the command, closes every client, exits with the code the
 * command set or the one its error maps to (cli-kit/exit-codes.ts). The first Ctrl-C asks the
 * command to stop after its batch in flight; a second one exits at once.
 */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = processEnv(),
  io?: CliIo,
): Promise<number> {
  const ctx = new CliContext(env, io);
  const program = buildProgram(ctx);
  registerCommands(program, ctx);
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.INTERRUPTED);
    process.stderr.write(`\nretail: ${signal}: finishing the batch in flight (again to quit at once)\n`);
    ctx.interruptNow(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (err) {
    const code = exitCodeFor(err);
    if (!(err instanceof CommanderError)) report(ctx, err);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
  }
}

/** The catalogue code, else what the error says it is (a kafkajs error is Kafka's, an errno its own). */
function errorCodeOf(err: unknown): string {
  if (err instanceof AppError) return err.code;
  const e = err as { name?: unknown; code?: unknown };
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS')) {
    return exitCodeFor(err) === EXIT.UNAVAILABLE ? 'KAFKA_UNAVAILABLE' : e.name;
  }
  return typeof e.code === 'string' ? e.code : 'ERROR';
}

function report(ctx: CliContext, err: unknown): void {
  const { stdout, stderr } = ctx.io;
  const code = errorCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (ctx.json) {
    const details = err instanceof AppError ? err.details : undefined;
    // How far a stopped command got (a replay's counts up to its last checkpoint), for scripts.
    const counts = (err as { counts?: unknown }).counts;
    stdout.write(`${JSON.stringify({ error: { code, message, details, counts } }, jsonReplacer)}\n`);
  }
  stderr.write(`retail: ${code}: ${message}\n`);
  if (code === 'CLI_USAGE') stderr.write('(add --help for usage and examples)\n');
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  // process.exit: a driver's idle socket must not keep a finished command alive.
  void main(process.argv).then((code) => process.exit(code));
}
