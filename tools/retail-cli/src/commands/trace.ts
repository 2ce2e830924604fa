import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** Registers the command(s) of helper C4 (src/trace/): retail trace EVENT_ID. */
export function registerTrace(_program: Command, _ctx: CliContext): void {
  // Filled in by its owner.
}
