import { loadInfraConfig } from '../infra/src/infra-config.ts';
import type { ServiceContext } from '../infra/src/service.ts';
import { allServices } from '../infra/src/services/index.ts';

/**
 * vitest globalSetup for *.int.test.ts: fail fast, once, with the fix, when a real service is not
 * up — instead of every test timing out on its own connection.
 */
export default async function checkServices(): Promise<void> {
  const ctx: ServiceContext = { cfg: loadInfraConfig(), say: () => undefined };
  const down: string[] = [];
  await Promise.all(
    allServices.map(async (s) => {
      if (!(await s.isHealthy(ctx).catch(() => false))) down.push(s.name);
    }),
  );
  if (down.length > 0) {
    throw new Error(
      `integration tests need the local services; not healthy: ${down.join(', ')}. Run: npm run infra:up`,
    );
  }
}
