import { AppError } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../cli-kit/exit-codes.ts';
import { commandHash } from './checkpoint.ts';
import { listOption, parseOffsetSpec } from './offset-spec.ts';
import { passes, recordFacts } from './record-facts.ts';
import { addCounts, countMatched, countRejected, emptyCounts, writtenOf } from './replay-counts.ts';
import { parseReplayOptions } from './replay-request.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.code}/${exitCodeFor(err)}` : String(err);
  }
  return undefined;
}

describe('--offsets', () => {
  it('parses topic:partition:from-to with dotted topic names; the end is included as typed', () => {
    expect(parseOffsetSpec('retail.events.enriched:3:1000-1999')).toEqual({
      topic: 'retail.events.enriched',
      partition: 3,
      from: 1000n,
      toExclusive: 2000n,
    });
    expect(parseOffsetSpec('a:0:5-').toExclusive).toBeUndefined();
  });

  it('refuses malformed and inverted ranges', () => {
    expect(codeOf(() => parseOffsetSpec('retail.events.enriched:3'))).toBe('CLI_USAGE/64');
    expect(codeOf(() => parseOffsetSpec('t:0:10-5'))).toBe('REPLAY_BAD_RANGE/64');
  });

  it('list options: repeated and comma-separated, trimmed, deduplicated', () => {
    expect(listOption(['S1, S2', 'S3', 'S1'])).toEqual(['S1', 'S2', 'S3']);
    expect(listOption(undefined)).toEqual([]);
  });
});

describe('replay options', () => {
  it('needs a sink and a bounded range, one kind of range only', () => {
    expect(codeOf(() => parseReplayOptions({ from: '1h' }, NOW))).toBe('CLI_USAGE/64');
    expect(codeOf(() => parseReplayOptions({ sink: 'oracle', from: '1h' }, NOW))).toBe('CLI_USAGE/64');
    expect(codeOf(() => parseReplayOptions({ sink: 'postgres' }, NOW))).toBe('CLI_USAGE/64');
    expect(
      codeOf(() => parseReplayOptions({ sink: 'postgres', from: '1h', offsets: ['t:0:1-2'] }, NOW)),
    ).toBe('CLI_USAGE/64');
    expect(codeOf(() => parseReplayOptions({ sink: 'postgres', from: '1h', to: '2h' }, NOW))).toBe(
      'REPLAY_BAD_RANGE/64',
    );
    expect(codeOf(() => parseReplayOptions({ sink: 'postgres', offsets: ['t:0:1-2', 't:0:5-9'] }, NOW))).toBe(
      'CLI_USAGE/64',
    );
    expect(codeOf(() => parseReplayOptions({ sink: 'postgres', from: '1h', shadow: 'Bad-Name' }, NOW))).toBe(
      'CLI_USAGE/64',
    );
    expect(codeOf(() => parseReplayOptions({ sink: 'postgres', from: '1h', batchSize: '1.5' }, NOW))).toBe(
      'CLI_USAGE/64',
    );
  });

  it('one identity for the same replay however it is typed; relative times kept as typed', () => {
    const a = parseReplayOptions(
      { sink: 'postgres', from: '2026-03-01T08:00Z', to: '2026-03-01T09:00:00.000Z', store: ['S2,S1'] },
      NOW,
    );
    const b = parseReplayOptions(
      { sink: 'postgres', from: '2026-03-01T08:00:00Z', to: '2026-03-01T09:00', store: ['S1', 'S2'] },
      NOW,
    );
    expect(commandHash(a.identity)).toBe(commandHash(b.identity));
    const later = parseReplayOptions({ sink: 'postgres', from: '2h' }, NOW + 60_000);
    expect(commandHash(parseReplayOptions({ sink: 'postgres', from: '2h' }, NOW).identity)).toBe(
      commandHash(later.identity),
    );
    // Different filters, shadow or sink: another replay.
    const c = parseReplayOptions({ sink: 'postgres', from: '2h', store: ['S1'] }, NOW);
    const d = parseReplayOptions({ sink: 'postgres', from: '2h', shadow: 'x' }, NOW);
    const e = parseReplayOptions({ sink: 'clickhouse', from: '2h' }, NOW);
    const hashes = new Set([later, c, d, e].map((r) => commandHash(r.identity)));
    expect(hashes.size).toBe(4);
    // --rate, --batch-size and --max-batches do not change what is replayed: same checkpoint.
    const f = parseReplayOptions({ sink: 'postgres', from: '2h', rate: '100', batchSize: '10' }, NOW);
    expect(commandHash(f.identity)).toBe(commandHash(later.identity));
  });
});

describe('record facts (key and headers only)', () => {
  it('store events: the key is the store, the event_type header the type', () => {
    const m = { key: Buffer.from('S001'), headers: { event_type: Buffer.from('SaleRecorded') } };
    expect(recordFacts(m)).toEqual({ store: 'S001', eventType: 'SaleRecorded' });
  });

  it('KPI windows: store scope from the key, chain windows under (chain)', () => {
    expect(recordFacts({ key: Buffer.from('store:S9|M15|1700000000000'), headers: {} })).toEqual({
      store: 'S9',
      eventType: 'KpiWindowUpdated',
    });
    expect(recordFacts({ key: Buffer.from('chain|H1|1700000000000'), headers: {} }).store).toBe('(chain)');
  });

  it('filters: empty sets pass everything', () => {
    const f = { store: 'S1', eventType: 'SaleVoided' };
    expect(passes({ stores: new Set(), eventTypes: new Set() }, f)).toBe(true);
    expect(passes({ stores: new Set(['S1']), eventTypes: new Set(['SaleVoided']) }, f)).toBe(true);
    expect(passes({ stores: new Set(['S2']), eventTypes: new Set() }, f)).toBe(false);
    expect(passes({ stores: new Set(), eventTypes: new Set(['SaleRecorded']) }, f)).toBe(false);
  });
});

describe('replay counts', () => {
  it('count, add (a resume continues the checkpoint), and written = matched - refused', () => {
    const a = emptyCounts();
    countMatched(a, 't:0', { store: 'S1', eventType: 'SaleRecorded' });
    countMatched(a, 't:1', { store: 'S1', eventType: 'SaleVoided' });
    countRejected(a, 'PG_DATA_REJECTED');
    a.read = 5;
    const b = addCounts(emptyCounts(), a);
    addCounts(b, a);
    expect(b.matched).toBe(4);
    expect(b.byStore).toEqual({ S1: 4 });
    expect(b.read).toBe(10);
    expect(writtenOf(b)).toBe(2);
    expect(exitCodeFor(new AppError('REPLAY_NO_DATA', 'x'))).toBe(EXIT.USAGE);
  });
});
