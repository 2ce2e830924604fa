/**
 * A few builders for Grafana dashboard JSON, so the three dashboards stay consistent (one
 * datasource variable, unique panel ids, a flowing grid) and small enough to review. Output is the
 * dashboard model Grafana exports (schemaVersion 41, Grafana 12); older versions migrate it on load.
 */

export const SCHEMA_VERSION = 41;
/** Every panel and target reads the datasource the DS_PROMETHEUS variable names. */
export const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' } as const;
/** What Grafana's provisioning and the import screen show in "Dashboards → Browse" as the folder tag. */
export const TAGS = ['retail-stream'];

export interface Target {
  expr: string;
  legend?: string;
  /** Instant query (tables, stats of a current value). */
  instant?: boolean;
}

export interface PanelSpec {
  title: string;
  description?: string;
  type?: 'timeseries' | 'stat' | 'table';
  targets: Target[];
  unit?: string;
  /** Grid width out of 24 (default 8) and height in rows (default 8). */
  w?: number;
  h?: number;
  min?: number;
  /** Stat colour steps: [value at which the colour starts, colour], after a green base. */
  steps?: [number, string][];
  stack?: boolean;
  /** Tables: a column name per target, in target order (instant results merged on their labels). */
  columns?: string[];
  /** Value → text for stats (e.g. 1 ONLINE, 0 OFFLINE). */
  mappings?: Record<string, { text: string; color: string }>;
}

export interface Section {
  row?: string;
  /** Collapsed rows hold their panels inside the row panel (Grafana's model). */
  collapsed?: boolean;
  panels: PanelSpec[];
}

export type Json = Record<string, unknown>;

function target(t: Target, i: number): Json {
  return {
    refId: String.fromCharCode(65 + i),
    datasource: DATASOURCE,
    editorMode: 'code',
    expr: t.expr,
    legendFormat: t.legend ?? '__auto',
    range: !t.instant,
    instant: Boolean(t.instant),
    ...(t.instant ? { format: 'table' } : {}),
  };
}

function thresholds(steps: [number, string][] | undefined): Json {
  return {
    mode: 'absolute',
    steps: [{ color: 'green', value: null }, ...(steps ?? []).map(([value, color]) => ({ color, value }))],
  };
}

function mappings(m: PanelSpec['mappings']): Json[] {
  if (!m) return [];
  return [
    {
      type: 'value',
      options: Object.fromEntries(
        Object.entries(m).map(([value, o], index) => [value, { text: o.text, color: o.color, index }]),
      ),
    },
  ];
}

function panelBody(p: PanelSpec): Json {
  const type = p.type ?? 'timeseries';
  const defaults: Json = {
    unit: p.unit ?? 'short',
    ...(p.min !== undefined ? { min: p.min } : {}),
    thresholds: thresholds(p.steps),
    mappings: mappings(p.mappings),
    color: { mode: type === 'timeseries' ? 'palette-classic' : 'thresholds' },
  };
  if (type === 'timeseries') {
    defaults.custom = {
      drawStyle: 'line',
      lineWidth: 1,
      fillOpacity: p.stack ? 30 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' },
    };
  }
  const options: Json =
    type === 'timeseries'
      ? {
          legend: {
            displayMode: 'table',
            placement: 'bottom',
            showLegend: true,
            calcs: ['lastNotNull', 'max'],
          },
          tooltip: { mode: 'multi', sort: 'desc' },
        }
      : type === 'stat'
        ? {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            colorMode: 'background',
            graphMode: 'area',
            justifyMode: 'auto',
            orientation: 'auto',
            textMode: 'auto',
          }
        : { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } };
  return {
    type,
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    datasource: DATASOURCE,
    fieldConfig: { defaults, overrides: [] },
    options,
    targets: p.targets.map(target),
    ...(type === 'table' ? { transformations: tableTransformations(p.columns) } : {}),
  };
}

function tableTransformations(columns: string[] | undefined): Json[] {
  const merge = { id: 'merge', options: {} };
  if (!columns) return [merge];
  const renameByName = Object.fromEntries(
    columns.map((c, i) => [`Value #${String.fromCharCode(65 + i)}`, c]),
  );
  return [merge, { id: 'organize', options: { excludeByName: { Time: true }, renameByName } }];
}

/** Lays sections out top to bottom, panels left to right, wrapping at 24 columns; ids from 1. */
export function layout(sections: Section[]): Json[] {
  let id = 0;
  let y = 0;
  const out: Json[] = [];
  for (const s of sections) {
    const placed: Json[] = [];
    let rowY = y;
    if (s.row) {
      rowY = y + 1;
    }
    let x = 0;
    let lineH = 0;
    let cy = rowY;
    for (const p of s.panels) {
      const w = p.w ?? 8;
      const h = p.h ?? 8;
      if (x + w > 24) {
        x = 0;
        cy += lineH;
        lineH = 0;
      }
      placed.push({ id: ++id, gridPos: { x, y: cy, w, h }, ...panelBody(p) });
      x += w;
      lineH = Math.max(lineH, h);
    }
    const end = cy + lineH;
    if (s.row) {
      const row: Json = {
        id: ++id,
        type: 'row',
        title: s.row,
        collapsed: Boolean(s.collapsed),
        gridPos: { x: 0, y, w: 24, h: 1 },
        panels: s.collapsed ? placed : [],
      };
      out.push(row, ...(s.collapsed ? [] : placed));
      y = s.collapsed ? y + 1 : end;
    } else {
      out.push(...placed);
      y = end;
    }
  }
  return out;
}

export interface Variable {
  name: string;
  label: string;
  /** label_values(...) query. */
  query: string;
  multi?: boolean;
}

function variable(v: Variable): Json {
  return {
    name: v.name,
    label: v.label,
    type: 'query',
    datasource: DATASOURCE,
    definition: v.query,
    query: { qryType: 1, query: v.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    includeAll: true,
    multi: v.multi ?? true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    hide: 0,
    regex: '',
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: Variable[];
  sections: Section[];
}

export function dashboard(d: DashboardSpec): Json {
  return {
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '12.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
    ],
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: TAGS,
    id: null,
    version: 1,
    schemaVersion: SCHEMA_VERSION,
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [{ title: 'retail-stream', type: 'dashboards', tags: TAGS, asDropdown: true, includeVars: false }],
    templating: {
      list: [
        {
          name: 'DS_PROMETHEUS',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          refresh: 1,
          regex: '',
          options: [],
        },
        ...d.variables.map(variable),
      ],
    },
    panels: layout(d.sections),
  };
}
