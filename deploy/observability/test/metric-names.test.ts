import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AMBIENT_LABELS, codeMetrics, resolveMetric } from './code-metrics.ts';
import { dashboardExprs, dashboardFiles } from './dashboard-files.ts';
import { groupingLabels, metricNames, rangeFunctionArgs, selectors } from './promql-refs.ts';
import { alertTests, ruleFiles, rules, testFiles } from './rule-files.ts';

/** Everything the rules, their tests and the dashboards query, with where it comes from. */
function sources(): { where: string; text: string; exprs: string[] }[] {
  return [
    ...ruleFiles().map((f) => ({ where: f, text: fs.readFileSync(f, 'utf8'), exprs: [] as string[] })),
    { where: 'rule expressions', text: '', exprs: rules().map((r) => r.expr) },
    ...testFiles().map((f) => ({ where: f, text: fs.readFileSync(f, 'utf8'), exprs: [] as string[] })),
    {
      where: 'test input series',
      text: '',
      exprs: alertTests().flatMap((t) => t.input_series.map((s) => s.series)),
    },
    ...[...dashboardFiles()].map(([f, d]) => ({ where: f, text: '', exprs: dashboardExprs(d) })),
  ];
}

/** A label of the metric in code, a label every series carries, or `exported_job` (its `job`, renamed on scrape). */
function labelKnown(label: string, allowed: Set<string>): boolean {
  if (AMBIENT_LABELS.has(label) || allowed.has(label)) return true;
  const exported = /^exported_(.+)$/.exec(label);
  return exported !== null && allowed.has(exported[1]!);
}

describe('metric names and labels in rules and dashboards exist in the code', () => {
  it('finds the metrics the services declare (sanity: the scan reads the sources)', () => {
    const metrics = codeMetrics();
    expect(metrics.get('retail_consumer_lag_messages')?.labels).toEqual(
      new Set(['group', 'topic', 'partition']),
    );
    expect(metrics.get('retail_sink_write_errors_total')?.type).toBe('counter');
    expect(metrics.get('retail_process_resident_memory_bytes')?.type).toBe('gauge');
    expect(resolveMetric('retail_sink_write_seconds_bucket')?.metric.labels.has('le')).toBe(true);
    expect(resolveMetric('retail_sink_write_seconds_total')).toBeUndefined();
  });

  it('every retail_* name used exists (a renamed metric fails here)', () => {
    const missing: string[] = [];
    for (const s of sources()) {
      for (const name of metricNames([s.text, ...s.exprs].join('\n'))) {
        if (!resolveMetric(name)) missing.push(`${s.where}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every label a selector matches or an aggregation groups by is declared for those metrics', () => {
    const problems: string[] = [];
    for (const s of sources()) {
      for (const expr of s.exprs) {
        const used = metricNames(expr).map((n) => resolveMetric(n)?.metric.labels ?? new Set<string>());
        const union = new Set(used.flatMap((l) => [...l]));
        for (const sel of selectors(expr)) {
          const own = resolveMetric(sel.metric)?.metric.labels ?? new Set<string>();
          for (const l of sel.labels)
            if (!labelKnown(l, own)) problems.push(`${s.where}: ${sel.metric}{${l}}`);
        }
        // Aggregations may name labels of any metric in the expression (or alertname for ALERTS).
        for (const l of groupingLabels(expr)) {
          if (!labelKnown(l, union) && l !== 'le')
            problems.push(`${s.where}: by/on (${l}) in ${expr.slice(0, 80)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('rate/increase read counters (or histogram series); delta/deriv read gauges', () => {
    const problems: string[] = [];
    for (const s of sources()) {
      for (const expr of s.exprs) {
        for (const { fn, metric } of rangeFunctionArgs(expr)) {
          const r = resolveMetric(metric);
          if (!r) continue;
          const histogramPart = metric !== r.base;
          const counterLike = r.metric.type === 'counter' || histogramPart;
          const wantsCounter = ['rate', 'irate', 'increase', 'resets'].includes(fn);
          const wantsGauge = ['delta', 'deriv'].includes(fn);
          if ((wantsCounter && !counterLike) || (wantsGauge && r.metric.type !== 'gauge')) {
            problems.push(`${s.where}: ${fn}(${metric}) but ${metric} is a ${r.metric.type}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
