import { parseCliOrExit } from '@retail-stream/runtime';
import { z } from 'zod';
import { buildServiceBundle, bundlePathOf, DEFAULT_BUNDLE_DIR } from '@retail-stream/scripts/bundle';
import { SERVICES, STORE_SERVICES } from './services.ts';

/**
 * `npm run build:services`: one plain-JS bundle per Deployment's entry point, which the image
 * runs with `node <bundle>` (workloads.ts). Part of building the image, after `npm ci`.
 */
const USAGE = `usage: build-services [--out DIR (${DEFAULT_BUNDLE_DIR})] [--only NAME[,NAME…]] [--json] [--dry-run]

Bundles each service's entry point (workspace code inlined, registry packages left as imports).

examples:
  npm run build:services                      # every service into dist/
  npm run build:services -- --only ingest,kpi-windows --json
  npm run build:services -- --dry-run         # which files would be written`;

const o = parseCliOrExit({
  usage: USAGE,
  options: {
    out: { type: 'string', default: DEFAULT_BUNDLE_DIR },
    only: { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
  schema: z.object({
    out: z.string().min(1),
    only: z.string(),
    json: z.boolean(),
    'dry-run': z.boolean(),
  }),
});

const ALL = [...SERVICES, ...STORE_SERVICES];
const wanted = o.only === '' ? [] : o.only.split(',').map((n) => n.trim());
const unknown = wanted.filter((n) => !ALL.some((s) => s.name === n));
if (unknown.length > 0) {
  process.stderr.write(
    `--only: no service named ${unknown.join(', ')}; known: ${ALL.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(64);
}
const chosen = ALL.filter((s) => wanted.length === 0 || wanted.includes(s.name));
const say = (line: string) => {
  if (!o.json) process.stdout.write(`${line}\n`);
};

if (o['dry-run']) {
  const plan = chosen.map((s) => ({
    service: s.name,
    entry: s.entry,
    outfile: bundlePathOf(s.entry, o.out),
  }));
  if (o.json) process.stdout.write(`${JSON.stringify({ dryRun: true, bundles: plan })}\n`);
  for (const p of plan) say(`would build ${p.outfile} (${p.service}, from ${p.entry})`);
  process.exit(0);
}

const results = [];
for (const [i, s] of chosen.entries()) {
  const started = performance.now();
  try {
    const built = await buildServiceBundle(s.entry, o.out);
    const ms = Math.round(performance.now() - started);
    results.push({ service: s.name, ...built, ms });
    say(
      `[${i + 1}/${chosen.length}] ${s.name}: ${built.outfile} (${(built.bytes / 1024).toFixed(0)} KiB, ${built.modules} modules, ${ms} ms)`,
    );
  } catch (err) {
    // esbuild's message lists every unresolved import or syntax error with its file and line.
    process.stderr.write(`build-services: ${s.name} (${s.entry}) failed:\n${(err as Error).message}\n`);
    process.exit(1);
  }
}
if (o.json) process.stdout.write(`${JSON.stringify({ bundles: results })}\n`);
