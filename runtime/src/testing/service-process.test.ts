import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceProcess } from './service-process.ts';
import { waitFor } from './wait-for.ts';

const RUNTIME_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-process-'));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ServiceProcess', () => {
  it('passes only the given env (plus PATH) and keeps stdout and stderr', async () => {
    process.env.SERVICE_PROCESS_LEAK = 'leaked';
    const file = script(
      'echo.ts',
      'console.log(`hello ${process.env.GREETING} ${process.env.SERVICE_PROCESS_LEAK ?? "none"}`);\n' +
        'console.error("on stderr");\nprocess.exit(3);\n',
    );
    const seen: string[] = [];
    const proc = new ServiceProcess(
      file,
      { GREETING: 'world' },
      { cwd: RUNTIME_DIR, onOutput: (c) => seen.push(c.toString()) },
    );
    expect(await proc.exited).toBe(3);
    delete process.env.SERVICE_PROCESS_LEAK;
    expect(proc.output).toContain('hello world none');
    expect(proc.output).toContain('on stderr');
    expect(seen.join('')).toContain('hello world none');
    expect(proc.running).toBe(false);
    expect(await proc.stop()).toBe(3);
  });

  it('stop() lets a SIGTERM handler finish and returns its exit code', async () => {
    const file = script(
      'graceful.ts',
      'process.on("SIGTERM", () => { console.log("draining"); setTimeout(() => process.exit(0), 50); });\n' +
        'console.log("ready");\nsetInterval(() => undefined, 1000);\n',
    );
    const proc = new ServiceProcess(file, {}, { cwd: RUNTIME_DIR });
    await waitFor(() => proc.output.includes('ready'), { timeoutMs: 20_000 });
    expect(await proc.stop(10_000)).toBe(0);
    expect(proc.output).toContain('draining');
  });

  it('stop(killAfterMs) kills a process that ignores SIGTERM; kill9 ends one at once', async () => {
    const file = script(
      'stubborn.ts',
      'process.on("SIGTERM", () => undefined);\nconsole.log("ready");\nsetInterval(() => undefined, 1000);\n',
    );
    const stubborn = new ServiceProcess(file, {}, { cwd: RUNTIME_DIR });
    await waitFor(() => stubborn.output.includes('ready'), { timeoutMs: 20_000 });
    expect(await stubborn.stop(200)).toBeNull();
    expect(stubborn.child.signalCode).toBe('SIGKILL');

    const crashed = new ServiceProcess(file, {}, { cwd: RUNTIME_DIR });
    await waitFor(() => crashed.output.includes('ready'), { timeoutMs: 20_000 });
    expect(await crashed.kill9()).toBeNull();
    expect(crashed.running).toBe(false);
  });
});
