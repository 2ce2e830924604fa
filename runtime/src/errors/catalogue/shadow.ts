import type { ErrorSection } from './entry.ts';

/** The retail CLI's shadow tables: replay --shadow, diff, promote, drop (tools/retail-cli). */
export const shadowErrors = {
  SHADOW_EXISTS: {
    retriable: false,
    meaning: 'A shadow of that name already exists (and this is not a resume of the same replay).',
    action: 'Pick another name, or finish the old one with retail promote NAME or retail drop NAME.',
  },
  SHADOW_BAD_NAME: {
    retriable: false,
    meaning:
      'A shadow name must be a lower-case identifier (a letter, then letters, digits or _; at most 40 characters): it becomes part of a schema, database and keyspace name.',
    action: 'Pick a name like nightly_2024_06_01.',
  },
  SHADOW_UNKNOWN: {
    retriable: false,
    meaning: 'No shadow of that name (for that sink) is registered in ops.shadows.',
    action:
      'Check the name (SELECT * FROM ops.shadows), or create the shadow with retail replay --shadow NAME.',
  },
  SHADOW_CONFIRM_REQUIRED: {
    retriable: false,
    meaning: 'A destructive shadow command needs confirmation, and stdin is not a terminal to ask on.',
    action: 'Pass --yes (after checking with --dry-run).',
  },
  SHADOW_DROP_DECLINED: {
    retriable: false,
    meaning: 'retail drop: the confirmation prompt was answered no; nothing was dropped.',
    action: 'Nothing to do; run it again and answer y to drop.',
  },
  SHADOW_PROMOTE_INCOMPLETE: {
    retriable: true,
    meaning:
      'retail promote: a ClickHouse ALTER … DELETE (a mutation) was still running when promote stopped waiting; part of the promote may be pending.',
    action: 'Run the same retail promote again: it is idempotent and finishes what is left.',
  },
  SHADOW_PARTIAL: {
    retriable: false,
    meaning:
      "retail promote (Postgres): the shadow holds only part of a store's events (its store_seq range does not cover live's), so its merged rows (hq_transactions, stores, hq_inventory) are partial; nothing was written.",
    action:
      "Replay the stores' whole history into the shadow (--from the start of retention, --store S), narrow promote with --store, or pass --allow-partial to copy anyway.",
  },
  SHADOW_PROMOTED: {
    retriable: false,
    meaning: 'The shadow was already promoted; replaying into it again would mix two generations.',
    action: 'Drop it with retail drop NAME and replay into a new shadow.',
  },
} as const satisfies ErrorSection;
