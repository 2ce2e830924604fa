import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { PROMETHEUS_DIR } from './promtool.ts';

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface AlertTest {
  input_series: { series: string; values: string }[];
  alert_rule_test?: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
}

export const RULES_DIR = path.join(PROMETHEUS_DIR, 'rules');
export const TESTS_DIR = path.join(PROMETHEUS_DIR, 'tests');

export const ruleFiles = (): string[] =>
  fs
    .readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.rules.yml'))
    .map((f) => path.join(RULES_DIR, f));

export const testFiles = (): string[] =>
  fs
    .readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith('.test.yml'))
    .map((f) => path.join(TESTS_DIR, f));

export function rules(): Rule[] {
  return ruleFiles().flatMap((f) => {
    const doc = YAML.parse(fs.readFileSync(f, 'utf8')) as { groups: { rules: Rule[] }[] };
    return doc.groups.flatMap((g) => g.rules);
  });
}

export function alertTests(): AlertTest[] {
  return testFiles().flatMap((f) => (YAML.parse(fs.readFileSync(f, 'utf8')) as { tests: AlertTest[] }).tests);
}
