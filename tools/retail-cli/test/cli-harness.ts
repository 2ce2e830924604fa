import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import { testEndpoints } from '@retail-stream/runtime/testing';
import { main } from '../src/main.ts';

export const ENDPOINTS = testEndpoints(serviceEnv());
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The services' env (brokers, registry, databases) the CLI reads, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...ENDPOINTS.env, LOG_LEVEL: 'warn', RETAIL_ACTOR: 'retail-cli-test', ...extra };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed (with --json: the one document). */
  json<T = Record<string, unknown>>(): T;
}

/** Runs `retail <args>` in this process (its own context, output captured). */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(['node', 'retail', ...args], env, { stdout, stderr });
  return result(code, Buffer.concat(out).toString(), Buffer.concat(err).toString());
}

function result(code: number, stdout: string, stderr: string): CliRun {
  return {
    code,
    stdout,
    stderr,
    json: <T>() => {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout is not one JSON document (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}

/** `retail <args>` as a child process (to interrupt or kill it); `done` resolves when it exits. */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<CliRun>; stderrSoFar(): string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...env, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliRun>((resolve) => {
    child.on('exit', (code, signal) =>
      resolve(result(code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr)),
    );
  });
  return { child, done, stderrSoFar: () => stderr };
}
