import type { ErrorSection } from './entry.ts';

/** The retail CLI's replay, recompute, shadow, diff, promote and drop commands (tools/retail-cli). */
export const replayErrors = {
  REPLAY_BAD_RANGE: {
    retriable: false,
    meaning:
      'The replay range is empty or inverted (--to before --from, an offset range ending before it starts).',
    action: 'Fix --from/--to or --offsets; see retail replay --help.',
  },
  CLI_USAGE: {
    retriable: false,
    meaning: 'retail CLI: an unknown command or option, or an option value it cannot use (exit code 64).',
    action: 'Run the command with --help for its options and examples.',
  },
  CLI_INTERRUPTED: {
    retriable: false,
    meaning:
      'retail CLI: stopped by Ctrl-C (SIGINT/SIGTERM) after finishing the batch in flight (exit code 130).',
    action: 'Run the same command again: replay continues from its checkpoint.',
  },
  REPLAY_UNKNOWN_TOPIC: {
    retriable: false,
    meaning:
      'retail replay: a topic named by --topic or --offsets does not exist, or is not one the sink reads.',
    action: 'Check the name (kafka-topics --list) and which topics the --sink consumes.',
  },
  REPLAY_NO_DATA: {
    retriable: false,
    meaning: 'retail replay: the range resolves to no records on any partition (nothing was written).',
    action: 'Check --from/--to against the topic retention, or the --offsets bounds.',
  },
} as const satisfies ErrorSection;
