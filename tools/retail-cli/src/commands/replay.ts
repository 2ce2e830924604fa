import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';

/** retail replay (being built). */
export function registerReplay(_program: Command, _ctx: CliContext): void {}
