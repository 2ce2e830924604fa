import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServiceBundle, bundlePathOf, REPO_ROOT } from './service-bundles.ts';

const FIXTURE = 'scripts/src/bundle/fixtures/asset-entry.ts';
const OUT = path.join('.data', 'bundles', `unit-${process.pid}`);

afterAll(() => fs.rmSync(path.join(REPO_ROOT, OUT), { recursive: true, force: true }));

describe('service bundles', () => {
  it('mirrors the entry under the output folder and accepts only TypeScript entries', () => {
    expect(bundlePathOf('stream-processors/ingest/src/main.ts')).toBe(
      path.join('dist', 'stream-processors/ingest/src/main.js'),
    );
    expect(bundlePathOf('a/b.ts', 'out')).toBe(path.join('out', 'a/b.js'));
    expect(() => bundlePathOf('a/b.js')).toThrow(/\.ts file/);
  });

  it('runs as its source does: import.meta.url names each source, files next to it are found', async () => {
    const built = await buildServiceBundle(FIXTURE, OUT);
    const text = fs.readFileSync(path.join(REPO_ROOT, built.outfile), 'utf8');
    // Workspace packages are inlined; registry packages stay imports.
    expect(text).not.toMatch(/from ["']@retail-stream\//);
    expect(text).toMatch(/from ["']avsc["']/);
    expect(built.sourceUrlRewrites).toEqual(expect.arrayContaining([FIXTURE, 'schemas/src/catalogue.ts']));

    const run = (args: string[]) =>
      JSON.parse(execFileSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' })) as {
        ownFile: string;
        schemas: number;
        sibling: string;
      };
    const fromBundle = run([path.join(REPO_ROOT, built.outfile)]);
    const fromSource = run(['--import', 'tsx', path.join(REPO_ROOT, FIXTURE)]);
    expect(fromBundle).toEqual(fromSource);
    expect(fromBundle.ownFile).toBe(path.join(REPO_ROOT, FIXTURE));
    expect(fromBundle.sibling).toBe('next to the source');
    expect(fromBundle.schemas).toBeGreaterThan(10);
  });

  it('refuses import.meta.dirname, which would name the bundle folder instead of the source', async () => {
    const entry = path.join(OUT, 'dirname-entry.ts');
    fs.mkdirSync(path.join(REPO_ROOT, OUT), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, entry), 'process.stdout.write(String(import.meta.dirname));\n');
    await expect(buildServiceBundle(entry, OUT)).rejects.toThrow(/import\.meta\.dirname is not rewritten/);
  });

  it('refuses an entry with an unresolved import, naming it', async () => {
    // Written at run time: a committed file with a missing import would fail the typecheck.
    const broken = path.join(OUT, 'broken-entry.ts');
    fs.mkdirSync(path.join(REPO_ROOT, OUT), { recursive: true });
    fs.writeFileSync(
      path.join(REPO_ROOT, broken),
      "import { nothing } from './does-not-exist.ts';\nprocess.stdout.write(String(nothing));\n",
    );
    await expect(buildServiceBundle(broken, OUT)).rejects.toThrow(/does-not-exist\.ts/);
  });
});
