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

  it('parses JSON log lines; start() resolves once /readyz answers 200 on a logged port', async () => {
    const file = script(
      'ready.ts',
      [
        'import http from "node:http";',
        'let ready = false;',
        'const server = http.createServer((req, res) => { res.statusCode = ready ? 200 : 503; res.end(); });',
        'server.listen(0, "127.0.0.1", () => {',
        '  console.log("not json");',
        '  console.log(JSON.stringify({ level: "info", msg: "http listening", port: server.address().port }));',
        '  setTimeout(() => { ready = true; console.log(JSON.stringify({ level: "info", msg: "ready" })); }, 300);',
        '});',
        'process.on("SIGTERM", () => server.close(() => process.exit(0)));',
      ].join('\n'),
    );
    const proc = await ServiceProcess.start(file, {}, { cwd: RUNTIME_DIR, readyTimeoutMs: 20_000 });
    expect(proc.hasLog('ready')).toBe(true);
    expect(proc.lines[0]).toEqual({ level: 'raw', msg: 'not json' });
    expect(proc.ports).toEqual([await proc.port()]);
    expect((await proc.waitForLog(/^http/)).port).toBe(proc.ports[0]);
    const answers = async (p: number) => (await fetch(`http://127.0.0.1:${p}/readyz`)).status === 200;
    expect(await proc.portWhere(answers)).toBe(proc.ports[0]);
    await expect(proc.portWhere(async () => false, 300)).rejects.toThrow(/no port answered/);
    expect(await proc.stop(10_000)).toBe(0);
  });

  it('waitForLog fails at once, with the output, when the process exits first', async () => {
    const file = script('dies.ts', 'console.error("boom: missing setting");\nprocess.exit(78);\n');
    const proc = new ServiceProcess(file, {}, { cwd: RUNTIME_DIR });
    await expect(proc.waitForLog('http listening', 20_000)).rejects.toThrow(/exited \(78\).*\n.*boom/s);
  });
});
