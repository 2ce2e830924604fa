import { main } from '../../main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed (every command prints one JSON document with --json). */
  json<T = Record<string, unknown>>(): T;
}

/**
 * Runs `retail <args>` in the test's process, as bin/retail.mjs would, with exactly `env`, and
 * returns its exit code and output. stdout/stderr are captured for the call only (commands
 * write through process.stdout/stderr).
 */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(['node', 'retail', ...args], env);
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  const stdout = out.join('');
  const stderr = err.join('');
  return {
    code,
    stdout,
    stderr,
    json: <T>() => {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`retail ${args.join(' ')} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
      }
    },
  };
}
