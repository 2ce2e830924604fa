import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import * as esbuild from 'esbuild';

/** The repository root: the image holds the whole workspace, bundles included. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where bundles go by default (git-ignored); `npm run build:services` writes here. */
export const DEFAULT_BUNDLE_DIR = 'dist';

/**
 * The plain-JS file a container runs for a TypeScript entry point: the entry's path mirrored under
 * `dist/` (`stream-processors/ingest/src/main.ts` → `dist/stream-processors/ingest/src/main.js`).
 * Mirroring keeps every bundle at the same depth as its source, so relative paths out of it stay
 * readable; the rewrite below does not depend on it.
 */
export function bundlePathOf(entry: string, outDir = DEFAULT_BUNDLE_DIR): string {
  if (!entry.endsWith('.ts')) throw new Error(`an entry point is a .ts file: ${entry}`);
  return path.join(outDir, entry.slice(0, -'.ts'.length) + '.js');
}

export interface BuiltBundle {
  entry: string;
  /** Relative to the repository root. */
  outfile: string;
  bytes: number;
  /** Workspace source files inlined into the bundle. */
  modules: number;
  /** Files whose `import.meta.url` now names their source's location (asset lookups). */
  sourceUrlRewrites: string[];
}

/**
 * Every `import.meta.url` in a workspace module becomes the URL of that module's own source file,
 * computed from the bundle's location at run time. The code that reads files next to its source
 * (the Avro catalogue's `.avsc`, SQL and CQL migrations, the dashboard's assets, createRequire into
 * kafkajs) then finds them as under tsx, wherever the image puts the repository.
 */
function sourceUrlPlugin(outfile: string, rewrites: Set<string>): esbuild.Plugin {
  const outDir = path.dirname(outfile);
  return {
    name: 'retail-source-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = fs.readFileSync(args.path, 'utf8');
        // These would silently name the bundle's folder instead of the source's: refuse them.
        const other = /import\.meta\.(dirname|filename)/.exec(source);
        if (other) {
          return {
            errors: [
              { text: `${other[0]} is not rewritten for bundles: use import.meta.url (${args.path})` },
            ],
          };
        }
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        rewrites.add(path.relative(REPO_ROOT, args.path));
        const fromBundle = path.relative(outDir, args.path).split(path.sep).join('/');
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
}

/**
 * Packages from the registry stay imports (resolved from the root node_modules at run time, as
 * under tsx: kafkajs' module swap and pg's native paths need the real files); workspace packages
 * (`@retail-stream/*`) and relative imports are inlined.
 */
const registryPackagesExternal: esbuild.Plugin = {
  name: 'retail-externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@retail-stream/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Bundles one service entry point into a single ES module: no TypeScript loader at run time, so
 * the container neither transpiles at start nor keeps tsx's loader thread (measured in
 * docs/BENCHMARKS.md, "Services run from bundles").
 */
export async function buildServiceBundle(entry: string, outDir = DEFAULT_BUNDLE_DIR): Promise<BuiltBundle> {
  const outfile = path.resolve(REPO_ROOT, bundlePathOf(entry, outDir));
  const rewrites = new Set<string>();
  const result = await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [path.resolve(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Stack traces name the TypeScript lines; the map stays next to the bundle.
    sourcemap: 'linked',
    // Class and function names are kept: logs, error names and metrics use them.
    keepNames: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [registryPackagesExternal, sourceUrlPlugin(outfile, rewrites)],
  });
  return {
    entry,
    outfile: path.relative(REPO_ROOT, outfile),
    bytes: fs.statSync(outfile).size,
    modules: Object.keys(result.metafile.inputs).length,
    sourceUrlRewrites: [...rewrites].sort(),
  };
}

/**
 * How node runs a bundle, after any V8 flags: stack traces name the TypeScript lines through the
 * linked source map. The Deployments, the benches and the end-to-end pipeline all use this.
 */
export const bundleRunArgs = (bundle: string): string[] => ['--enable-source-maps', bundle];

/**
 * The environment every service process runs with beside its own config (the Deployments, the
 * benches, the end-to-end pipeline). glibc's malloc raises its mmap threshold to the size of each
 * large block freed (up to 32 MiB), so after the first Kafka fetch response or produce request is
 * freed, the next ones come from the heap arenas, where freed space stays resident; setting the
 * threshold (to its default, 128 KiB) turns that off (mallopt(3), M_MMAP_THRESHOLD), so such
 * buffers are mapped and unmapped whole. Peak RSS under the benches: KPI windows −27 to −45 MiB,
 * ingest −6 to −20, at the same CPU per event (docs/BENCHMARKS.md, 2026-12-08). Read by glibc
 * only: an image on musl ignores it.
 */
export const SERVICE_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * The node arguments that run a service entry point as its container does: its bundle, built now
 * (esbuild takes ~0.1 s), or with `fromSource` the TypeScript through tsx, to compare the two.
 */
export async function serviceRunArgs(entry: string, opts: { fromSource?: boolean } = {}): Promise<string[]> {
  if (opts.fromSource) return ['--import', 'tsx', path.resolve(REPO_ROOT, entry)];
  const built = await buildServiceBundle(entry);
  return bundleRunArgs(path.resolve(REPO_ROOT, built.outfile));
}

const testBundles = new Map<string, Promise<string>>();

/**
 * For tests that run what the container runs: the entry's bundle, built once per test process into
 * `.data/bundles/<pid>-<thread>/`, so parallel test files never start another's half-written file.
 * Resolves to the bundle's absolute path.
 */
export function testBundle(entry: string): Promise<string> {
  let built = testBundles.get(entry);
  if (!built) {
    const outDir = path.join('.data', 'bundles', `${process.pid}-${threadId}`);
    if (testBundles.size === 0) {
      // Children load their bundle (and its map) at start, so removing it when this process ends is safe.
      process.once('exit', () => fs.rmSync(path.join(REPO_ROOT, outDir), { recursive: true, force: true }));
    }
    built = buildServiceBundle(entry, outDir).then((b) => path.resolve(REPO_ROOT, b.outfile));
    testBundles.set(entry, built);
  }
  return built;
}
