import fs from 'node:fs';
import path from 'node:path';
import { createMetricsRegistry } from '@retail-stream/runtime';
import { OBSERVABILITY_DIR } from './promtool.ts';

/** What the code exposes: metric name → type and the label names it declares. */
export interface CodeMetric {
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';
  labels: Set<string>;
}

const REPO = path.resolve(OBSERVABILITY_DIR, '../..');
const SOURCE_ROOTS = ['runtime', 'producers', 'stream-processors', 'sinks', 'apps', 'tools'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) return [];
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    // Tests and benches name metrics too (fixtures like retail_x); only shipped code counts.
    const shipped = /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name);
    return shipped &&
      !full.includes(`${path.sep}bench${path.sep}`) &&
      !full.includes(`${path.sep}testing${path.sep}`)
      ? [full]
      : [];
  });
}

/** Reads `'name', 'help', ['a', 'b']` after a factory call's name literal: the declared labels. */
function labelsAfter(text: string, from: number): string[] {
  const help = /^\s*,\s*(?:'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*")\s*(,\s*\[([^\]]*)\])?/.exec(
    text.slice(from),
  );
  const list = help?.[2];
  return list ? [...list.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!) : [];
}

const FACTORY = /\b(counter|gauge|histogram)\(\s*[\w.]+\s*,\s*'(retail_[a-z0-9_]+)'/g;

let cache: Map<string, CodeMetric> | undefined;

/**
 * Every metric the services can expose: the names created with runtime's counter/gauge/histogram
 * (read from the sources, with their label names), and the process/Node metrics prom-client adds
 * with the retail_ prefix (read from a real registry, so a prom-client upgrade that renames one
 * fails here too).
 */
export function codeMetrics(): Map<string, CodeMetric> {
  if (cache) return cache;
  const out = new Map<string, CodeMetric>();
  for (const root of SOURCE_ROOTS) {
    for (const file of sourceFiles(path.join(REPO, root))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(FACTORY)) {
        const entry = out.get(m[2]!) ?? { type: m[1] as CodeMetric['type'], labels: new Set<string>() };
        for (const l of labelsAfter(text, m.index + m[0].length)) entry.labels.add(l);
        out.set(m[2]!, entry);
      }
    }
  }
  const registry = createMetricsRegistry('probe');
  for (const metric of registry.getMetricsAsArray()) {
    const m = metric as unknown as { name: string; type: string; labelNames?: string[] };
    out.set(m.name, {
      type: (['counter', 'gauge', 'histogram', 'summary'].includes(m.type)
        ? m.type
        : 'unknown') as CodeMetric['type'],
      labels: new Set(m.labelNames ?? []),
    });
  }
  cache = out;
  return out;
}

/** Labels every series may carry besides its own: the service default, scrape target labels, child registries. */
export const AMBIENT_LABELS = new Set(['service', 'job', 'instance', 'system', 'store_id', 'component']);

/** Resolves a series name as used in PromQL (histogram _bucket/_sum/_count) to the metric in code. */
export function resolveMetric(name: string): { base: string; metric: CodeMetric } | undefined {
  const metrics = codeMetrics();
  const direct = metrics.get(name);
  if (direct) return { base: name, metric: direct };
  const m = /^(.+)_(bucket|sum|count)$/.exec(name);
  const base = m && metrics.get(m[1]!);
  if (base && (base.type === 'histogram' || base.type === 'summary')) {
    const labels = new Set(base.labels);
    if (m[2] === 'bucket') labels.add('le');
    return { base: m[1]!, metric: { ...base, labels } };
  }
  return undefined;
}
