#!/usr/bin/env tsx
/**
 * npm run infra:up | infra:down | infra:status | infra:logs | infra:reset  [service…] [--cluster 3]
 *   [--registry builtin|apicurio] [-n N] [-f]
 * One entry point for the whole local stack; see infra/README.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { ConfigError, rssMiB } from '@retail-stream/runtime';
import { clientEnv, loadInfraConfig, type InfraConfig } from './infra-config.ts';
import { InfraError } from './infra-error.ts';
import { bringUp, logTails } from './service-runner.ts';
import { logDir, serviceDir, type LocalService, type ServiceContext } from './service.ts';
import { isRegistryImpl, rememberRegistry, REGISTRY_IMPLS } from './registry-choice.ts';
import { defaultServices, knownServices, pickServices } from './services/index.ts';

interface Args {
  command: string;
  services: string[];
  lines: number;
  follow: boolean;
  cluster: string | undefined;
  registry: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const [command = 'status', ...rest] = argv;
  const args: Args = {
    command,
    services: [],
    lines: 50,
    follow: false,
    cluster: undefined,
    registry: undefined,
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--cluster') args.cluster = rest[++i];
    else if (a === '--registry') args.registry = rest[++i];
    else if (a === '-n' || a === '--lines') args.lines = Number(rest[++i]);
    else if (a === '-f' || a === '--follow') args.follow = true;
    else if (a.startsWith('-'))
      throw new InfraError('BAD_ARGUMENT', `unknown option ${a}`, 'see infra/README.md');
    else args.services.push(a);
  }
  return args;
}

const say = (m: string) => process.stdout.write(`  ${m}\n`);

async function up(ctx: ServiceContext, services: LocalService[]): Promise<boolean> {
  fs.mkdirSync(logDir(ctx.cfg), { recursive: true });
  console.log(`infra:up → ${services.map((s) => s.name).join(', ')} (data in ${ctx.cfg.RS_DATA_DIR})`);
  const results = await Promise.allSettled(services.map((s) => bringUp(s, ctx)));
  let ok = true;
  results.forEach((r, i) => {
    const name = services[i]!.name;
    if (r.status === 'fulfilled') {
      console.log(
        `✓ ${name.padEnd(17)} ${r.value.outcome === 'started' ? `started in ${r.value.seconds}s` : 'already running'}`,
      );
    } else {
      ok = false;
      const err = r.reason;
      console.error(
        err instanceof InfraError ? err.describe() : `✗ ${name}: ${(err as Error).stack ?? String(err)}`,
      );
    }
  });
  if (ok) {
    console.log('\nConnection settings for applications and tests:');
    // Secrets stay in their files under <RS_DATA_DIR>/secrets/; a terminal scrollback is no place for them.
    for (const [k, v] of Object.entries(clientEnv(ctx.cfg)))
      console.log(`  ${k}=${/PASSWORD|SECRET|TOKEN/.test(k) ? '(secret, see <RS_DATA_DIR>/secrets/)' : v}`);
  }
  return ok;
}

async function down(ctx: ServiceContext, services: LocalService[]): Promise<boolean> {
  for (const s of [...services].reverse()) {
    const wasRunning = s.runningPids(ctx).length > 0;
    await s.stop(ctx);
    console.log(`■ ${s.name.padEnd(17)} ${wasRunning ? 'stopped' : 'was not running'}`);
  }
  return true;
}

async function status(ctx: ServiceContext, services: LocalService[]): Promise<boolean> {
  let allHealthy = true;
  console.log(`${'service'.padEnd(17)} ${'state'.padEnd(9)} ${'rss'.padStart(8)}  endpoints`);
  for (const s of services) {
    const pids = s.runningPids(ctx);
    const healthy = pids.length > 0 && (await s.isHealthy(ctx).catch(() => false));
    const state = pids.length === 0 ? 'stopped' : healthy ? 'healthy' : 'unhealthy';
    if (!healthy) allHealthy = false;
    const rss = pids.reduce((sum, p) => sum + (rssMiB(p) ?? 0), 0);
    console.log(
      `${s.name.padEnd(17)} ${state.padEnd(9)} ${(pids.length ? `${rss} MiB` : '-').padStart(8)}  ${s.endpoints(ctx).join(', ')}`,
    );
  }
  return allHealthy;
}

async function logs(
  ctx: ServiceContext,
  services: LocalService[],
  lines: number,
  follow: boolean,
): Promise<boolean> {
  if (follow) {
    const files = services.flatMap((s) => s.logFiles(ctx)).filter((f) => fs.existsSync(f));
    const child = spawn('tail', ['-n', String(lines), '-F', ...files], { stdio: 'inherit' });
    await new Promise((resolve) => child.on('exit', resolve));
    return true;
  }
  for (const s of services) console.log(`── ${s.name} ──\n${logTails(s, ctx, lines) || '(no log yet)'}\n`);
  return true;
}

async function reset(ctx: ServiceContext, services: LocalService[]): Promise<boolean> {
  await down(ctx, services);
  for (const s of services) {
    fs.rmSync(serviceDir(ctx.cfg, s.name), { recursive: true, force: true });
    console.log(`⌫ ${s.name.padEnd(17)} data removed (downloaded artifacts in the cache are kept)`);
  }
  return true;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const env = { ...process.env };
  if (args.cluster) env.KAFKA_CLUSTER_SIZE = args.cluster;
  if (args.registry !== undefined) {
    if (!isRegistryImpl(args.registry)) {
      console.error(`--registry must be one of: ${REGISTRY_IMPLS.join(', ')}`);
      return 64;
    }
    env.SCHEMA_REGISTRY_IMPL = args.registry;
  }
  let cfg: InfraConfig;
  try {
    cfg = loadInfraConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 78;
    }
    throw err;
  }
  const ctx: ServiceContext = { cfg, say };
  const named = args.services.length ? pickServices(args.services) : undefined;
  // Without names: up starts the stack with the chosen registry; status and logs also show an
  // optional service that runs (e.g. Apicurio beside ours); down and reset cover everything.
  const shown = () =>
    named ?? knownServices.filter((s) => defaultServices(cfg).includes(s) || s.runningPids(ctx).length > 0);
  const commands: Record<string, () => Promise<boolean>> = {
    up: async () => {
      const ok = await up(ctx, named ?? defaultServices(cfg));
      // Remembered for later commands (npm test, the demo) once the registry it names is up.
      if (ok && isRegistryImpl(args.registry)) rememberRegistry(cfg, args.registry);
      return ok;
    },
    down: () => down(ctx, named ?? knownServices),
    status: () => status(ctx, shown()),
    logs: () => logs(ctx, shown(), args.lines, args.follow),
    reset: () => reset(ctx, named ?? knownServices),
  };
  const command = commands[args.command];
  if (!command) {
    console.error(`unknown command '${args.command}'; use one of: ${Object.keys(commands).join(', ')}`);
    return 64;
  }
  return (await command()) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof InfraError ? err.describe() : (err as Error).stack);
    process.exit(1);
  },
);
