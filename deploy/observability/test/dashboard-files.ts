import fs from 'node:fs';
import path from 'node:path';
import { OBSERVABILITY_DIR } from './promtool.ts';

export const DASHBOARDS_DIR = path.join(OBSERVABILITY_DIR, 'grafana', 'dashboards');

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr?: string; datasource?: { type: string; uid: string } }[];
  panels?: GrafanaPanel[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: GrafanaPanel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
}

/** The committed dashboard files, parsed. */
export function dashboardFiles(): Map<string, GrafanaDashboard> {
  return new Map(
    fs
      .readdirSync(DASHBOARDS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, f), 'utf8')) as GrafanaDashboard]),
  );
}

/** Row panels hold their panels when collapsed: every panel, rows included. */
export function allPanels(d: GrafanaDashboard): GrafanaPanel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every PromQL expression of a dashboard: panel targets and query variables. */
export function dashboardExprs(d: GrafanaDashboard): string[] {
  const targets = allPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
  const variables = d.templating.list.filter((v) => v.type === 'query').map((v) => v.definition ?? '');
  return [...targets, ...variables];
}
