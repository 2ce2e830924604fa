import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** retail recompute (being built). */
export function registerRecompute(_program: Command, _ctx: CliContext): void {}
