import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './infra-error.ts';
import { isPortListening } from './port-check.ts';
import { tailFile } from './process-control.ts';
import type { LocalService, ServiceContext } from './service.ts';

export interface UpResult {
  name: string;
  outcome: 'started' | 'already-running';
  seconds: number;
}

/**
 * Brings one service to healthy, idempotently: a healthy service is left alone, a starting one is
 * waited for, a stopped one is prepared and started. Any failure becomes an InfraError that names
 * the service, says what to do, and carries the tail of its log.
 */
export async function bringUp(service: LocalService, ctx: ServiceContext): Promise<UpResult> {
  const began = Date.now();
  const elapsed = () => Math.round((Date.now() - began) / 100) / 10;

  if (service.runningPids(ctx).length > 0) {
    await waitHealthy(service, ctx);
    await service.afterHealthy?.(ctx);
    return { name: service.name, outcome: 'already-running', seconds: elapsed() };
  }

  for (const port of service.ports(ctx)) {
    if (await isPortListening(port)) {
      throw new InfraError(
        'PORT_IN_USE',
        `${service.name}: port ${port} on 127.0.0.1 is already taken by another process`,
        `find it with \`ss -ltnp 'sport = :${port}'\` and stop it, or choose another port (see infra/README.md, ${service.portVariables.join(' / ')})`,
      );
    }
  }

  await service.prepare(ctx);
  ctx.say(`${service.name}: starting (usually ~${service.expectedStartSeconds}s)…`);
  await service.start(ctx);
  await waitHealthy(service, ctx);
  await service.afterHealthy?.(ctx);
  return { name: service.name, outcome: 'started', seconds: elapsed() };
}

async function waitHealthy(service: LocalService, ctx: ServiceContext): Promise<void> {
  const deadline = Date.now() + ctx.cfg.INFRA_START_TIMEOUT_S * 1000;
  // A process can take a moment to appear in its pid file after spawn; allow a short grace.
  const graceUntil = Date.now() + 5_000;
  while (Date.now() < deadline) {
    // An InfraError from a probe means waiting cannot help (e.g. Kafka running in the other cluster mode).
    const healthy = await service.isHealthy(ctx).catch((err: unknown) => {
      if (err instanceof InfraError) throw err;
      return false;
    });
    if (healthy) return;
    if (Date.now() > graceUntil && service.runningPids(ctx).length === 0) {
      throw new InfraError(
        'SERVICE_DIED',
        `${service.name} exited during startup`,
        `read the log (npm run infra:logs -- ${service.name}); a corrupt data folder is fixed by \`npm run infra:reset -- ${service.name}\``,
        logTails(service, ctx),
      );
    }
    await sleep(1_000);
  }
  throw new InfraError(
    'START_TIMEOUT',
    `${service.name} did not become healthy within ${ctx.cfg.INFRA_START_TIMEOUT_S}s`,
    `check the log (npm run infra:logs -- ${service.name}); raise INFRA_START_TIMEOUT_S on a slow machine`,
    logTails(service, ctx),
  );
}

export function logTails(service: LocalService, ctx: ServiceContext, lines = 25): string {
  return service
    .logFiles(ctx)
    .filter((f) => fs.existsSync(f))
    .map((f) => `${f}:\n${tailFile(f, lines)}`)
    .join('\n');
}
