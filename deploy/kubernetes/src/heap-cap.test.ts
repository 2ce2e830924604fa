import { describe, expect, it } from 'vitest';
import { memoryLimitMiB, SERVICES, STORE_SERVICES } from './services.ts';
import { deployment } from './workloads.ts';

const capOf = (command: string[]): number | undefined => {
  const flag = command.find((a) => a.startsWith('--max-old-space-size='));
  return flag === undefined ? undefined : Number(flag.split('=')[1]);
};

describe('V8 heap caps', () => {
  const all = [...SERVICES, ...STORE_SERVICES];

  it('the services measured with a cap have one (ingest, KPI windows, the relay)', () => {
    expect(all.filter((s) => s.v8HeapCap).map((s) => s.name)).toEqual(
      expect.arrayContaining(['ingest', 'kpi-windows', 'outbox-relay']),
    );
  });

  for (const s of all.filter((x) => x.v8HeapCap)) {
    it(`${s.name}: 3/4 of the pod's memory limit, below 2 GiB where V8 grows its heap 4× per full GC`, () => {
      const command = deployment(s).spec!.template.spec!.containers[0]!.command!;
      const cap = capOf(command);
      expect(cap).toBe(Math.floor(memoryLimitMiB(s) * 0.75));
      expect(cap!).toBeLessThan(memoryLimitMiB(s));
      expect(cap!).toBeLessThan(2048);
      // Node flags go before the script: after it they would be the script's own arguments.
      expect(command.indexOf(`--max-old-space-size=${cap}`)).toBeLessThan(command.length - 1);
    });
  }

  it('a service without the flag runs with no cap', () => {
    const uncapped = all.filter((s) => !s.v8HeapCap);
    expect(uncapped.length).toBeGreaterThan(0);
    for (const s of uncapped)
      expect(capOf(deployment(s).spec!.template.spec!.containers[0]!.command!)).toBeUndefined();
  });
});
