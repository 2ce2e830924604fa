import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** A command-line tool's flags: `--name value` strings (and booleans) validated by a zod object. */
export interface CliSpec<S extends z.ZodType> {
  /** One line, printed for --help and after every problem. */
  usage: string;
  /** node:util parseArgs options (give string flags their defaults here); --help is added. */
  options: ParseArgsOptionsConfig;
  /** Coerces and checks the parsed values (e.g. z.coerce.number() for numeric flags). */
  schema: S;
}

export type CliOutcome<T> =
  { kind: 'ok'; values: T } | { kind: 'help'; text: string } | { kind: 'usage-error'; text: string };

/** Pure: what the arguments mean, --help, or the problems (one line per flag, then the usage). */
export function parseCli<S extends z.ZodType>(
  argv: readonly string[],
  spec: CliSpec<S>,
): CliOutcome<z.infer<S>> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...argv],
      options: { ...spec.options, help: { type: 'boolean', default: false } },
      strict: true,
    }).values;
  } catch (err) {
    return { kind: 'usage-error', text: `${(err as Error).message}\n${spec.usage}\n` };
  }
  if (values.help) return { kind: 'help', text: `${spec.usage}\n` };
  delete values.help;
  const parsed = spec.schema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n');
    return { kind: 'usage-error', text: `${problems}\n${spec.usage}\n` };
  }
  return { kind: 'ok', values: parsed.data };
}

/** parseCli on process.argv for a CLI's entry point: --help exits 0, a usage error exits 64. */
export function parseCliOrExit<S extends z.ZodType>(
  spec: CliSpec<S>,
  argv: readonly string[] = process.argv.slice(2),
): z.infer<S> {
  const outcome = parseCli(argv, spec);
  if (outcome.kind === 'ok') return outcome.values;
  if (outcome.kind === 'help') {
    process.stdout.write(outcome.text);
    process.exit(0);
  }
  process.stderr.write(outcome.text);
  process.exit(64); // EX_USAGE
}
