import os from 'node:os';
import type { Env } from './sink-configs.ts';

/**
 * What the shadow functions need from the CLI: the environment the sinks' configs are read from
 * (the same names the services read) and who is running the command. Narrow on purpose, so the
 * CLI's context (or a test's `{ env: {...} }`) fits.
 */
export interface ShadowContext {
  env: Env;
  /** Who runs it (the CLI's RETAIL_ACTOR or OS user). */
  actor?: string;
}

export function whoRuns(ctx: ShadowContext): string {
  if (ctx.actor) return ctx.actor;
  try {
    return os.userInfo().username;
  } catch {
    return ctx.env.USER ?? 'unknown';
  }
}
