import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@retail-stream/runtime/testing';
import { LinePrefixer, namePrefix } from './line-prefixer.ts';
import { Supervisor, type ChildSpec } from './supervisor.ts';

/** A tiny real Node child: prints, serves /ready after `readyAfterMs`, says goodbye on SIGTERM. */
function nodeChild(name: string, code: string, extra: Partial<ChildSpec> = {}): ChildSpec {
  return { name, command: process.execPath, args: ['-e', code], ...extra };
}

const server = (port: number, readyAfterMs: number, name: string) => `
  const http = require('node:http');
  let ready = false;
  setTimeout(() => { ready = true; }, ${readyAfterMs});
  http.createServer((req, res) => { res.statusCode = ready ? 200 : 503; res.end(); }).listen(${port}, '127.0.0.1');
  console.log('${name} up');
  process.on('SIGTERM', () => { console.log('${name} got SIGTERM'); process.exit(0); });
`;

class Capture {
  text = '';
  write(t: string) {
    this.text += t;
  }
  lines(): string[] {
    return this.text.split('\n').filter(Boolean);
  }
}

describe('namePrefix / LinePrefixer', () => {
  it('pads names to a fixed width, cuts long ones, colours only when asked', () => {
    expect(namePrefix('db', 6, 0, false)).toBe('db     │ ');
    expect(namePrefix('a-very-long-name', 6, 0, false)).toBe('a-ver… │ ');
    expect(namePrefix('db', 6, 0, true)).toBe('\x1b[36mdb    \x1b[0m │ ');
  });

  it('prefixes whole lines only, holding a partial line until its newline or flush', () => {
    const out: string[] = [];
    const p = new LinePrefixer('x │ ', (t) => out.push(t));
    p.push('one\ntw');
    p.push('o\r\nthr');
    expect(out.join('')).toBe('x │ one\nx │ two\n');
    p.flush();
    expect(out.join('')).toBe('x │ one\nx │ two\nx │ thr\n');
  });
});

describe('Supervisor with real child processes', () => {
  it('starts groups in order after readiness, prefixes output, stops in reverse order', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const out = new Capture();
    const sup = new Supervisor({
      out,
      colour: false,
      groups: [
        [nodeChild('migrate', 'console.log("migrated")', { oneShot: true })],
        [nodeChild('base', server(p1, 400, 'base'), { readyUrl: `http://127.0.0.1:${p1}/` })],
        [nodeChild('dependant', server(p2, 0, 'dependant'), { readyUrl: `http://127.0.0.1:${p2}/` })],
      ],
    });
    await sup.start();
    const states = sup.states();
    expect(states.map((s) => s.status)).toEqual(['done', 'ready', 'ready']);
    const [, base, dependant] = states;
    // The dependant was started only after the base answered its readiness URL (≥ 400 ms).
    expect(dependant!.startedAt!).toBeGreaterThanOrEqual(base!.readyAt!);
    expect(base!.readyAt! - base!.startedAt!).toBeGreaterThanOrEqual(350);

    expect(await sup.stop('test over')).toBe(0);
    expect(await sup.done).toBe(0);
    const lines = out.lines();
    expect(lines).toContain('migrate    │ migrated');
    expect(lines).toContain('base       │ base up');
    const stopDependant = lines.indexOf('dependant  │ dependant got SIGTERM');
    const stopBase = lines.indexOf('base       │ base got SIGTERM');
    expect(stopDependant).toBeGreaterThan(-1);
    expect(stopBase).toBeGreaterThan(stopDependant);
    expect(sup.states().map((s) => s.status)).toEqual(['done', 'stopped', 'stopped']);
  });

  it('SIGKILLs a child that ignores SIGTERM after the stop timeout', async () => {
    const out = new Capture();
    const stubborn = nodeChild(
      'stubborn',
      `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000);`,
    );
    const sup = new Supervisor({ out, colour: false, stopTimeoutMs: 500, groups: [[stubborn]] });
    await sup.start();
    await waitFor(() => out.text.includes('│ up'), { timeoutMs: 5_000 }); // its handler is installed
    const started = Date.now();
    await sup.stop('test');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(sup.states()[0]).toMatchObject({ status: 'stopped', signal: 'SIGKILL' });
    expect(out.text).toContain('ignoring SIGTERM');
    expect(out.text).toContain('SIGKILL');
  });

  it('stops everything and exits non-zero when a required child dies', async () => {
    const port = await freePort();
    const out = new Capture();
    const sup = new Supervisor({
      out,
      colour: false,
      groups: [
        [nodeChild('steady', server(port, 0, 'steady'), { readyUrl: `http://127.0.0.1:${port}/` })],
        [nodeChild('crasher', `console.log('about to fail'); setTimeout(() => process.exit(3), 300);`)],
      ],
    });
    await sup.start();
    expect(await sup.done).toBe(1);
    expect(out.text).toContain('crasher exited unexpectedly (code 3)');
    expect(out.text).toContain('steady     │ steady got SIGTERM');
    expect(sup.states().map((s) => s.status)).toEqual(['stopped', 'exited']);
  });

  it('keeps running when an optional child dies; fails start when a child dies before it is ready', async () => {
    const optional = new Supervisor({
      out: new Capture(),
      colour: false,
      groups: [
        [nodeChild('optional', 'process.exit(2)', { required: false })],
        [nodeChild('main', 'setInterval(() => {}, 1000)')],
      ],
    });
    await optional.start();
    await waitFor(() => optional.states()[0]!.status === 'exited', { timeoutMs: 5_000 });
    expect(optional.states().map((s) => s.status)).toEqual(['exited', 'ready']);
    expect(await optional.stop('done')).toBe(0);

    const finishedOut = new Capture();
    const finishing = new Supervisor({
      out: finishedOut,
      colour: false,
      groups: [
        [nodeChild('sim', 'process.exit(0)', { required: false })],
        [nodeChild('main', 'setInterval(() => {}, 1000)')],
      ],
    });
    await finishing.start();
    await waitFor(() => finishing.states()[0]!.status === 'done', { timeoutMs: 5_000 });
    expect(finishedOut.text).toContain('sim finished');
    expect(finishedOut.text).not.toContain('unexpectedly');
    expect(await finishing.stop('done')).toBe(0);

    const port = await freePort();
    const out = new Capture();
    const failing = new Supervisor({
      out,
      colour: false,
      groups: [
        [
          nodeChild('never-ready', 'setTimeout(() => process.exit(1), 200)', {
            readyUrl: `http://127.0.0.1:${port}/`,
          }),
        ],
      ],
    });
    await expect(failing.start()).rejects.toThrow(/never-ready exited \(code 1\) before it was ready/);
    expect(await failing.done).toBe(1);
  });

  it('prints the summary hook line periodically', async () => {
    const out = new Capture();
    const sup = new Supervisor({
      out,
      colour: false,
      summary: {
        everyMs: 100,
        line: (states) => `${states.filter((s) => s.status === 'ready').length} ready`,
      },
      groups: [[nodeChild('idle', 'setInterval(() => {}, 1000)')]],
    });
    await sup.start();
    // Waits (bounded) for the second line instead of sleeping for it: how many 100 ms ticks fit in a
    // fixed sleep depends on the machine's load.
    const summaries = () => out.lines().filter((l) => l === 'supervisor │ 1 ready').length;
    await waitFor(() => summaries() >= 2, { timeoutMs: 3_000, what: 'two summary lines' }).finally(() =>
      sup.stop('done'),
    );
    expect(summaries()).toBeGreaterThanOrEqual(2);
  });

  it('graceful SIGTERM reaches the child once; its leftover grandchildren are killed with its group', async () => {
    const out = new Capture();
    const wrapper = nodeChild(
      'wrapper',
      `const { spawn } = require('node:child_process');
       const g = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
       let terms = 0;
       process.on('SIGTERM', () => { terms++; console.log('terms ' + terms); setTimeout(() => process.exit(0), 100); });
       console.log('grandchild ' + g.pid);`,
    );
    const sup = new Supervisor({ out, colour: false, stopTimeoutMs: 3_000, groups: [[wrapper]] });
    await sup.start();
    const pid = Number((await waitFor(() => /grandchild (\d+)/.exec(out.text), { timeoutMs: 5_000 }))[1]);
    await sup.stop('test');
    expect(out.text).toContain('terms 1');
    expect(out.text).not.toContain('terms 2');
    await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 3_000, what: 'the grandchild to be gone' },
    );
  });
});
