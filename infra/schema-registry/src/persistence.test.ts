import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegistryEvent } from './events.ts';
import { LOG_FILE_NAME, openEventLog } from './persistence.ts';
import { RegistryStore } from './registry-store.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-registry-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const sale = (...extra: { name: string; type: string; default?: unknown }[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Sale',
    namespace: 'retail',
    fields: [{ name: 'sku', type: 'string' }, ...extra],
  });

/** Opens the log in `dir`, replays it into a store, and hands both to `use`. */
function withStore<T>(dir: string, use: (store: RegistryStore) => T): T {
  const { log, events } = openEventLog(dir);
  try {
    return use(new RegistryStore({ defaultCompatibility: 'BACKWARD', sink: log }, events));
  } finally {
    log.close();
  }
}

describe('event log persistence', () => {
  it('replays subjects, versions, ids, deletes and config after a restart', () => {
    const dir = tempDir();
    withStore(dir, (store) => {
      store.register('sales-value', { schema: sale() });
      store.register('sales-value', { schema: sale({ name: 'qty', type: 'int', default: 1 }) });
      store.register('returns-value', { schema: sale() });
      store.register('gone-value', { schema: sale({ name: 'x', type: 'int', default: 0 }) });
      store.deleteSubject('gone-value', false);
      store.deleteVersion('sales-value', 1, false);
      store.setSubjectCompatibility('sales-value', 'FULL');
      store.setGlobalCompatibility('NONE');
    });

    withStore(dir, (store) => {
      expect(store.listSubjects(false)).toEqual(['returns-value', 'sales-value']);
      expect(store.listSubjects(true)).toEqual(['gone-value', 'returns-value', 'sales-value']);
      expect(store.listVersions('sales-value', false)).toEqual([2]);
      expect(store.listVersions('sales-value', true)).toEqual([1, 2]);
      expect(store.getVersion('returns-value', 'latest', false).id).toBe(1);
      expect(store.getVersion('sales-value', 2, false).id).toBe(2);
      expect(store.subjectCompatibility('sales-value', false)).toBe('FULL');
      expect(store.globalCompatibility()).toBe('NONE');
      // Ids keep counting from the history, never restarting at 1.
      expect(store.register('new-value', { schema: '"string"' }).id).toBe(4);
    });
  });

  it('writes one JSON event per line', () => {
    const dir = tempDir();
    withStore(dir, (store) => store.register('s', { schema: '"int"' }));
    const lines = fs.readFileSync(path.join(dir, LOG_FILE_NAME), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      type: 'schema-registered',
      subject: 's',
      id: 1,
      version: 1,
    });
  });

  it('sets aside a half-written last line, reports it, and keeps appending cleanly', () => {
    const dir = tempDir();
    withStore(dir, (store) => store.register('s', { schema: '"int"' }));
    const file = path.join(dir, LOG_FILE_NAME);
    fs.appendFileSync(file, '{"type":"schema-registered","subject":"s","ver');

    const opened = openEventLog(dir);
    expect(opened.events).toHaveLength(1);
    expect(opened.tornTail).toMatchObject({ file, line: 2 });
    expect(fs.readFileSync(opened.tornTail!.savedTo, 'utf8')).toBe(
      '{"type":"schema-registered","subject":"s","ver',
    );
    opened.log.close();

    withStore(dir, (store) => store.register('t', { schema: '"long"' }));
    const again = openEventLog(dir);
    again.log.close();
    expect(again.tornTail).toBeUndefined();
    expect(again.events.map((e) => e.type === 'schema-registered' && e.subject)).toEqual(['s', 't']);
  });

  it('refuses to start on damage before the last line, naming file and line', () => {
    const dir = tempDir();
    withStore(dir, (store) => {
      store.register('a', { schema: '"int"' });
      store.register('b', { schema: '"long"' });
    });
    const file = path.join(dir, LOG_FILE_NAME);
    const [first, second] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(file, `${first}\n{garbage\n${second}\n`);
    expect(() => openEventLog(dir)).toThrow(`${file}:2 is not JSON`);
  });

  it('refuses a line that is JSON but not a registry event, even at the end', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOG_FILE_NAME), '{"type":"mystery"}\n');
    expect(() => openEventLog(dir)).toThrow(/:1 is not a registry event/);
  });

  it('accepts a complete last event that lost only its newline', () => {
    const dir = tempDir();
    withStore(dir, (store) => store.register('a', { schema: '"int"' }));
    const file = path.join(dir, LOG_FILE_NAME);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').trimEnd());
    withStore(dir, (store) => store.register('b', { schema: '"long"' }));
    const { events, log } = openEventLog(dir);
    log.close();
    expect(events).toHaveLength(2);
  });

  it('does not change state when the write fails', () => {
    const failing = {
      append: (_event: RegistryEvent) => {
        throw new Error('disk full');
      },
    };
    const store = new RegistryStore({ defaultCompatibility: 'BACKWARD', sink: failing });
    expect(() => store.register('a', { schema: '"int"' })).toThrow('disk full');
    expect(store.listSubjects(true)).toEqual([]);
  });
});
