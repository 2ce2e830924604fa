import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSchemaSet } from './catalogue.ts';
import { backwardProblem, evolutionProblems } from './evolution.ts';
import { schemaHistory } from './history.ts';

describe('schema history (git)', () => {
  it('every committed version of the catalogue parses, and each change follows the evolution rule', () => {
    const snapshots = schemaHistory();
    expect(snapshots.length).toBeGreaterThan(0);
    const versions = new Map<
      string,
      { label: string; type: ReturnType<typeof parseSchemaSet>['schemas'][number]['type'] }[]
    >();
    for (const snapshot of snapshots) {
      const set = parseSchemaSet(snapshot.files);
      for (const s of set.schemas)
        versions.set(s.fullName, [
          ...(versions.get(s.fullName) ?? []),
          { label: snapshot.label, type: s.type },
        ]);
    }
    const problems: string[] = [];
    for (const [name, list] of versions) {
      list.forEach((next, i) => {
        if (i === 0) return;
        // Consecutive: the full rule. Transitive (every earlier version): BACKWARD, as the registry does.
        for (const p of evolutionProblems(list[i - 1]!.type, next.type))
          problems.push(`${name} @ ${next.label}: ${p}`);
        for (const old of list.slice(0, i - 1)) {
          const p = backwardProblem(next.type, old.type);
          if (p) problems.push(`${name} @ ${next.label} cannot read ${old.label}: ${p}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });
});

describe('schemaHistory on a scratch repository', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-history-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: tmp,
      encoding: 'utf8',
    });
  const write = (rel: string, schema: object) => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), JSON.stringify(schema));
  };
  const rec = (name: string, fields: object[]) => ({
    type: 'record',
    name,
    namespace: 'retail.events',
    fields,
  });

  it('lists versions oldest first across renames, snapshots referenced types together, ends with the working tree', () => {
    git('init', '-q');
    write('old/Part.avsc', rec('Part', [{ name: 'a', type: 'string' }]));
    write('avro/Whole.avsc', rec('Whole', [{ name: 'p', type: 'retail.events.Part' }]));
    git('add', '.');
    git('commit', '-qm', 'v1');
    fs.mkdirSync(path.join(tmp, 'avro'), { recursive: true });
    git('mv', 'old/Part.avsc', 'avro/Part.avsc');
    git('commit', '-qm', 'move');
    write(
      'avro/Part.avsc',
      rec('Part', [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'int', default: 0 },
      ]),
    );
    git('commit', '-qam', 'v2');
    write(
      'avro/Whole.avsc',
      rec('Whole', [
        { name: 'p', type: 'retail.events.Part' },
        { name: 'n', type: ['null', 'string'], default: null },
      ]),
    );

    const snapshots = schemaHistory(path.join(tmp, 'avro'));
    expect(snapshots.map((s) => s.label.length === 10 || s.label === 'working tree')).toEqual([
      true,
      true,
      true,
    ]);
    // v1 and the pure move have the same files and contents, so the move adds no snapshot.
    const fieldsOf = (i: number, file: string) =>
      (
        JSON.parse(snapshots[i]!.files.find((f) => f.file === file)!.text) as { fields: { name: string }[] }
      ).fields.map((f) => f.name);
    expect(fieldsOf(0, 'Part.avsc')).toEqual(['a']);
    expect(fieldsOf(1, 'Part.avsc')).toEqual(['a', 'b']);
    expect(fieldsOf(1, 'Whole.avsc')).toEqual(['p']);
    expect(snapshots[2]!.label).toBe('working tree');
    expect(fieldsOf(2, 'Whole.avsc')).toEqual(['p', 'n']);
    for (const s of snapshots) expect(() => parseSchemaSet(s.files)).not.toThrow();
  });
});
