import type { Command } from 'commander';
import type { CliContext } from '../cli-kit/context.ts';
import { registerDlq } from './dlq.ts';
import { registerJobs } from './jobs.ts';
import { registerKeys } from './keys.ts';
import { registerReconcile } from './reconcile.ts';
import { registerRecompute } from './recompute.ts';
import { registerReplay } from './replay.ts';
import { registerShadow } from './shadow.ts';
import { registerStore } from './store.ts';
import { registerSync } from './sync.ts';
import { registerTrace } from './trace.ts';

/** Every command group of the CLI, in the order `retail --help` lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerReplay(program, ctx);
  registerRecompute(program, ctx);
  registerShadow(program, ctx);
  registerDlq(program, ctx);
  registerTrace(program, ctx);
  registerReconcile(program, ctx);
  registerJobs(program, ctx);
  registerSync(program, ctx);
  registerKeys(program, ctx);
  registerStore(program, ctx);
}
