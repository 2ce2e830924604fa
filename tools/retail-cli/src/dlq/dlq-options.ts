import { isErrorCode } from '@retail-stream/runtime';
import { Option, type Command } from 'commander';
import { parseTimeArg } from '../cli-kit/duration.ts';
import { usageError } from '../cli-kit/exit-codes.ts';
import { parseRecordAddress, type DlqFilter } from './dlq-filter.ts';

/** The filter options every dlq command shares, as commander gives them. */
export interface FilterOptions {
  topic: string;
  code?: string[];
  processor?: string[];
  store?: string[];
  sourceTopic?: string[];
  since?: string;
  until?: string;
  offset?: string[];
}

/** `--code A,B --code C` → [A, B, C]. */
const list = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
];

/** Adds --topic and the filters to a dlq subcommand. */
export function addFilterOptions(
  cmd: Command,
  defaultTopic: string,
  opts: { offsets?: boolean } = {},
): Command {
  cmd
    .option('--topic <name>', 'the dead-letter topic', defaultTopic)
    .option('--code <codes>', 'only these dlq.error.code values (comma-separated, repeatable)', list)
    .option('--processor <names>', 'only dead letters written by these parts (dlq.processor)', list)
    .option('--store <ids>', 'only these record keys (store ids)', list)
    .option(
      '--source-topic <names>',
      'only records first consumed from these topics (dlq.source.topic)',
      list,
    )
    .option('--since <time>', 'rejected at or after: ISO time, or a duration ago (2h, 1d)')
    .option('--until <time>', 'rejected before: ISO time, or a duration ago');
  if (opts.offsets) {
    cmd.addOption(
      new Option('--offset <P:O>', 'exactly these records of the DLQ (repeatable)').argParser(list),
    );
  }
  return cmd;
}

/** Checked filter; `warnings` name filter values that can never match a catalogue code. */
export function filterOf(o: FilterOptions, now = Date.now()): { filter: DlqFilter; warnings: string[] } {
  const since = o.since === undefined ? undefined : parseTimeArg(o.since, now);
  const until = o.until === undefined ? undefined : parseTimeArg(o.until, now);
  if (since !== undefined && until !== undefined && until <= since) {
    throw usageError(
      `--until (${new Date(until).toISOString()}) is not after --since (${new Date(since).toISOString()})`,
    );
  }
  const warnings = (o.code ?? [])
    .filter((c) => !isErrorCode(c))
    .map((c) => `--code ${c} is not a code of the error catalogue (docs/errors.md): nothing can match it`);
  return {
    filter: {
      codes: o.code,
      processors: o.processor,
      stores: o.store,
      sourceTopics: o.sourceTopic,
      since,
      until,
      at: o.offset?.map(parseRecordAddress),
    },
    warnings,
  };
}

/** A positive integer option (`--max`, `--max-attempts`). */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw usageError(`${name} must be a whole number ≥ 1, not '${value}'`);
    return n;
  };
}

/** `--rate` in records per second. */
export function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw usageError(`${name} must be a number > 0, not '${value}'`);
    return n;
  };
}
