import fs from 'node:fs';
import path from 'node:path';
import { buildServiceBundle, bundlePathOf, REPO_ROOT } from '@retail-stream/scripts/bundle';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICES, STORE_SERVICES } from './services.ts';
import { deployment } from './workloads.ts';

const OUT = path.join('.data', 'bundles', `k8s-${process.pid}`);

afterAll(() => fs.rmSync(path.join(REPO_ROOT, OUT), { recursive: true, force: true }));

describe('every container runs a bundle the image build can produce', () => {
  for (const s of [...SERVICES, ...STORE_SERVICES]) {
    it(`${s.name}: ${s.entry}`, async () => {
      const command = deployment(s).spec!.template.spec!.containers[0]!.command!;
      expect(command.at(-1)).toBe(bundlePathOf(s.entry));
      expect(command).not.toContain('tsx');
      // esbuild rejects an unresolved import, so a service that could not run from its bundle fails here.
      const built = await buildServiceBundle(s.entry, OUT);
      expect(fs.statSync(path.join(REPO_ROOT, built.outfile)).size).toBeGreaterThan(10_000);
    });
  }
});
