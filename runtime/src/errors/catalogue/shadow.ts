import type { ErrorSection } from './entry.ts';

/** The retail CLI's shadow tables: replay --shadow, diff, promote, drop (tools/retail-cli). */
export const shadowErrors = {
  SHADOW_EXISTS: {
    retriable: false,
    meaning: 'A shadow of that name already exists (and this is not a resume of the same replay).',
    action: 'Pick another name, or finish the old one with retail promote NAME or retail drop NAME.',
  },
} as const satisfies ErrorSection;
