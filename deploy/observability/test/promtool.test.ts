import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OBSERVABILITY_DIR, PROMETHEUS_DIR, promtool } from './promtool.ts';
import { alertTests, ruleFiles, rules, testFiles } from './rule-files.ts';
import { dashboardExprs, dashboardFiles } from './dashboard-files.ts';

/** Grafana's variables replaced by what they expand to, so Prometheus' parser can read the query. */
function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\w+/g, '.*');
}

/** The Prometheus side checked by Prometheus' own tool, as CI runs it. */
describe('prometheus config and alert rules (promtool)', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'retail-promtool-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('promtool check config: prometheus.yml and the rule files it loads', () => {
    const r = promtool(['check', 'config', 'prometheus.yml']);
    expect(r.output).toContain(`SUCCESS: ${ruleFiles().length} rule files found`);
    expect(r.status, r.output).toBe(0);
  });

  it('promtool check rules: every rule file', () => {
    const r = promtool(['check', 'rules', ...ruleFiles()]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).not.toMatch(/FAILED/);
  });

  it('promtool test rules: each alert fires on its series and stays quiet on the ones beside them', () => {
    const r = promtool(['test', 'rules', ...testFiles().map((f) => path.relative(PROMETHEUS_DIR, f))]);
    expect(r.status, r.output).toBe(0);
    expect(r.output.match(/SUCCESS/g)).toHaveLength(testFiles().length);
  });

  it('the rule tests fail when an alert is broken (a threshold typo stops RetailStoreBehind)', () => {
    const copy = path.join(scratch, 'prometheus');
    fs.cpSync(PROMETHEUS_DIR, copy, { recursive: true });
    const file = path.join(copy, 'rules', 'retail-data.rules.yml');
    const text = fs.readFileSync(file, 'utf8');
    const broken = text.replace(/\) > 900\n/, ') > 90000\n');
    expect(broken).not.toBe(text);
    fs.writeFileSync(file, broken);
    const r = promtool(['test', 'rules', 'tests/data.test.yml'], copy);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/alertname: RetailStoreBehind,/);
  });

  it('promtool check rules refuses an expression that does not parse', () => {
    const file = path.join(scratch, 'bad.rules.yml');
    fs.writeFileSync(
      file,
      'groups:\n  - name: bad\n    rules:\n      - alert: Bad\n        expr: sum(rate(retail_relay_published_total[5m])\n',
    );
    const r = promtool(['check', 'rules', file]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/parse error/);
  });

  it('every dashboard query parses as PromQL (promtool check rules on them as recording rules)', () => {
    const exprs = [...dashboardFiles().values()].flatMap((d) =>
      dashboardExprs(d).filter((e) => !e.startsWith('label_values(')),
    );
    expect(exprs.length).toBeGreaterThan(50);
    const file = path.join(scratch, 'dashboards.rules.yml');
    const rulesYaml = exprs
      .map(
        (e, i) =>
          `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(withoutGrafanaVariables(e))}`,
      )
      .join('\n');
    fs.writeFileSync(file, `groups:\n  - name: dashboards\n    rules:\n${rulesYaml}\n`);
    const r = promtool(['check', 'rules', file]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${exprs.length} rules found`);
  });

  it('every alert has a severity, summary, description, a runbook section that exists, and a firing test', () => {
    const readme = fs.readFileSync(path.join(OBSERVABILITY_DIR, 'README.md'), 'utf8');
    const anchors = new Set(
      [...readme.matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const fired = new Set(
      alertTests().flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    const quiet = new Set(
      alertTests().flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length === 0).map((a) => a.alertname),
      ),
    );
    const alerts = rules().filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(20);
    const problems: string[] = [];
    for (const a of alerts) {
      const name = a.alert!;
      if (!['critical', 'warning'].includes(a.labels?.severity ?? '')) problems.push(`${name}: severity`);
      if (!a.annotations?.summary || !a.annotations.description)
        problems.push(`${name}: summary/description`);
      const [doc, anchor] = (a.annotations?.runbook ?? '').split('#');
      if (doc !== 'deploy/observability/README.md' || !anchors.has(anchor ?? '')) {
        problems.push(`${name}: runbook ${a.annotations?.runbook} has no README section`);
      }
      if (!fired.has(name)) problems.push(`${name}: no promtool test where it fires`);
      if (!quiet.has(name)) problems.push(`${name}: no promtool test where it stays quiet`);
    }
    expect(problems).toEqual([]);
  });
});
