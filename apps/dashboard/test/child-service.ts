import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildService {
  port: number;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within timeoutMs. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Runs a service entry point with tsx as a real child process and resolves once it logs
 * 'http listening' (the runtime's serve), with the port it bound (pass port 0 in env).
 */
export async function startChildService(
  script: string,
  env: Record<string, string>,
  opts: {
    what: string;
    timeoutMs?: number;
    /** For a process listening on several ports (API and ops): true for the one wanted. */
    pickPort?: (port: number) => Promise<boolean>;
  } = { what: 'service' },
): Promise<ChildService> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${opts.what} did not start in time; stderr: ${stderr.slice(-2000)}`)),
      opts.timeoutMs ?? 60_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          continue;
        }
        logs.push(line);
        if (line.msg === 'http listening') {
          const port = line.port as number;
          void (async () => {
            for (let i = 0; i < 40; i++) {
              if (!opts.pickPort || (await opts.pickPort(port))) {
                clearTimeout(timer);
                resolve(port);
                return;
              }
              await new Promise((r) => setTimeout(r, 250));
            }
          })();
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${opts.what} exited with ${code} before listening; stderr: ${stderr.slice(-2000)}; logs: ${JSON.stringify(logs.slice(-5))}`,
        ),
      );
    });
  });
  return {
    port,
    logs,
    exited,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
