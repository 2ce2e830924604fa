import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** Registers the command(s) of helper C3 (src/dlq/): retail dlq list|show|redrive|purge. */
export function registerDlq(_program: Command, _ctx: CliContext): void {
  // Filled in by its owner.
}
