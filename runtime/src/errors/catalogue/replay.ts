import type { ErrorSection } from './entry.ts';

/** The retail CLI's replay, recompute, shadow, diff, promote and drop commands (tools/retail-cli). */
export const replayErrors = {
  REPLAY_BAD_RANGE: {
    retriable: false,
    meaning:
      'The replay range is empty or inverted (--to before --from, an offset range ending before it starts).',
    action: 'Fix --from/--to or --offsets; see retail replay --help.',
  },
} as const satisfies ErrorSection;
