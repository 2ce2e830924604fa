import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** Registers the command(s) of helper P3 (src/sync/): retail sync (national pharmacy). */
export function registerSync(_program: Command, _ctx: CliContext): void {
  // Filled in by its owner.
}
