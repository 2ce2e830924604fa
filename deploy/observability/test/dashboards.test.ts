import { describe, expect, it } from 'vitest';
import { dashboards } from '../grafana/src/dashboards.ts';
import { SCHEMA_VERSION } from '../grafana/src/panel-kit.ts';
import { allPanels, dashboardFiles } from './dashboard-files.ts';

/** The Grafana JSON as Grafana needs it: one datasource variable everywhere, queries, unique ids. */
describe('grafana dashboards', () => {
  const files = dashboardFiles();

  it('are the three dashboards, as build-dashboards.ts writes them (run it after editing grafana/src)', () => {
    expect([...files.keys()].sort()).toEqual(Object.keys(dashboards()).sort());
    for (const [file, model] of Object.entries(dashboards())) {
      expect(files.get(file), file).toEqual(JSON.parse(JSON.stringify(model)));
    }
  });

  it('have unique uids and titles, a current schemaVersion and the DS_PROMETHEUS datasource variable', () => {
    const all = [...files.values()];
    expect(new Set(all.map((d) => d.uid)).size).toBe(all.length);
    expect(new Set(all.map((d) => d.title)).size).toBe(all.length);
    for (const d of all) {
      expect(d.schemaVersion).toBe(SCHEMA_VERSION);
      const ds = d.templating.list.find((v) => v.name === 'DS_PROMETHEUS');
      expect(ds, d.uid).toMatchObject({ type: 'datasource', query: 'prometheus' });
    }
  });

  it('every panel has a unique id and a grid position; every query panel reads DS_PROMETHEUS with an expr', () => {
    const problems: string[] = [];
    for (const [file, d] of files) {
      const panels = allPanels(d);
      const ids = panels.map((p) => p.id);
      if (new Set(ids).size !== ids.length) problems.push(`${file}: duplicate panel ids`);
      for (const p of panels) {
        const where = `${file} "${p.title}"`;
        const g = p.gridPos;
        if (!g || g.w < 1 || g.x < 0 || g.x + g.w > 24 || g.h < 1) problems.push(`${where}: gridPos`);
        if (p.type === 'row') continue;
        if (p.datasource?.uid !== '${DS_PROMETHEUS}') problems.push(`${where}: panel datasource`);
        if (!p.targets?.length) problems.push(`${where}: no targets`);
        const refIds = (p.targets ?? []).map((t) => t.refId);
        if (new Set(refIds).size !== refIds.length) problems.push(`${where}: duplicate refId`);
        for (const t of p.targets ?? []) {
          if (!t.expr?.trim()) problems.push(`${where} ${t.refId}: empty expr`);
          if (t.datasource?.uid !== '${DS_PROMETHEUS}')
            problems.push(`${where} ${t.refId}: target datasource`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('panels do not overlap', () => {
    for (const [file, d] of files) {
      // Collapsed rows keep their panels out of the grid; the visible ones must not overlap.
      const visible = d.panels;
      for (let i = 0; i < visible.length; i++) {
        for (let j = i + 1; j < visible.length; j++) {
          const a = visible[i]!.gridPos;
          const b = visible[j]!.gridPos;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${file}: "${visible[i]!.title}" overlaps "${visible[j]!.title}"`).toBe(false);
        }
      }
    }
  });

  it('every $variable a query uses is defined by its dashboard', () => {
    const builtins = new Set(['__rate_interval', '__interval', '__range', 'DS_PROMETHEUS']);
    for (const [file, d] of files) {
      const defined = new Set(d.templating.list.map((v) => v.name));
      for (const p of allPanels(d)) {
        for (const t of p.targets ?? []) {
          for (const m of (t.expr ?? '').matchAll(/\$(\w+)/g)) {
            expect(defined.has(m[1]!) || builtins.has(m[1]!), `${file} "${p.title}": $${m[1]}`).toBe(true);
          }
        }
      }
    }
  });
});
