import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** Registers the command(s) of helper C4 (src/jobs/): the scheduled jobs. */
export function registerJobs(_program: Command, _ctx: CliContext): void {
  // Filled in by its owner.
}
