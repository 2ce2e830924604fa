import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** Registers the command(s) of helper C4 (src/reconcile/): retail reconcile --date D. */
export function registerReconcile(_program: Command, _ctx: CliContext): void {
  // Filled in by its owner.
}
