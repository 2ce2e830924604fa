import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** Registers the command(s) of helper C2 (src/shadow/): retail diff NAME, retail promote NAME, retail drop NAME. */
export function registerShadow(_program: Command, _ctx: CliContext): void {
  // Filled in by its owner.
}
