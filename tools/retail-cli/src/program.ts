import { Command } from 'commander';
import type { CliContext } from './cli-kit/context.ts';

const FOOTER = `
Global: --json prints one JSON document on stdout (progress and notes go to stderr).
Settings come from the same environment variables as the services (KAFKA_BROKERS,
SCHEMA_REGISTRY_URL, PG_URL, HQ_PG_SCHEMA, CLICKHOUSE_URL, CLICKHOUSE_DATABASE,
CASSANDRA_CONTACT_POINTS, CASSANDRA_LOCAL_DC, CASSANDRA_KEYSPACE); RETAIL_ACTOR names you
in the audit log (ops.audit_log), default the OS user.

Exit codes: 0 ok, 1 failure, 2 differences found, 64 usage error, 69 a service is
unavailable, 130 interrupted (Ctrl-C; run the same command again to resume).
Guide: docs/replay.md`;

/**
 * The `retail` program: name, global options and help text. Commands are added by
 * commands/index.ts. Commander does not exit the process itself (exitOverride): main.ts maps
 * every outcome, including usage errors, to the documented exit codes.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('retail')
    .description(
      "The data engineer's toolkit for retail-stream: replay, recompute, shadow diff, DLQ, trace, reconcile",
    )
    .option('--json', 'print the result as one JSON document on stdout')
    .addHelpText('after', FOOTER)
    .showHelpAfterError('(add --help for usage and examples)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void ctx.io.stdout.write(text),
      writeErr: (text) => void ctx.io.stderr.write(text),
    });
  // --json is read where the action runs: it may be given before or after the subcommand.
  program.hook('preAction', (_root, action) => {
    ctx.json = action.optsWithGlobals<{ json?: boolean }>().json === true;
  });
  return program;
}

/**
 * A subcommand with the shared conventions: exits through main.ts, and help ends with the
 * examples given (every command shows paste-able examples).
 */
export function addCommand(parent: Command, name: string, description: string, examples: string[]): Command {
  const cmd = parent.command(name).description(description).exitOverride();
  if (examples.length > 0) {
    cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}`);
  }
  return cmd;
}
