import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shutdownOrderProblems, shutdownSteps, waitFor, type LogLine } from './testing/index.ts';

/** How long the fixture's drain step takes: the window in which /readyz must answer 503. */
const DRAIN_MS = 1_000;

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/shutdown-child.ts');

function startChild(args: string[]): {
  child: ChildProcess;
  lines: LogLine[];
  port: Promise<number>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: LogLine[] = [];
  let buffered = '';
  const port = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as LogLine;
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (typeof line.ready === 'number') resolve(line.ready);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  return { child, lines, port };
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));

describe('service runtime (real process, real HTTP, real SIGTERM)', () => {
  it('serves ops endpoints, then shuts down phase by phase and exits 0', async () => {
    const { child, lines, port } = startChild(['10', String(DRAIN_MS)]);
    const base = `http://127.0.0.1:${await port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^retail_process_cpu_seconds_total\{service="fixture"\} /m);

    const exited = exitCode(child);
    child.kill('SIGTERM');
    // While draining, the process stays up but reports not ready. Waits for the runtime's own first
    // step (marking it not ready) instead of sleeping; the fixture's drain step then holds the ops
    // server open for DRAIN_MS, far longer than one local request takes.
    await waitFor(() => shutdownSteps(lines).some((s) => s.step === 'mark not ready'), {
      timeoutMs: 5_000,
      what: 'the mark-not-ready step',
    });
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect(await exited).toBe(0);

    const markers = lines.map((l) => l.marker).filter(Boolean);
    expect(markers.sort()).toEqual(['close-db', 'drained', 'flushed', 'intake-stopped']);
    const steps = shutdownSteps(lines);
    expect(steps.map((s) => `${s.phase}: ${s.step}`).sort()).toEqual([
      'close: close db',
      'close: http server',
      'drain: finish batch',
      'flush: flush producer',
      'stop-intake: mark not ready',
      'stop-intake: stop consumer',
    ]);
    // Registered out of order in the fixture: phases, not registration, decide the sequence.
    expect(shutdownOrderProblems(steps)).toEqual([]);
    const logLines = lines.filter((l) => l.msg);
    expect(logLines.every((l) => l.service === 'fixture')).toBe(true);
  });

  it('exits 1 when a step overruns the shutdown timeout', async () => {
    const { child, port } = startChild(['1', '5000']);
    await port;
    const exited = exitCode(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
  });
});
