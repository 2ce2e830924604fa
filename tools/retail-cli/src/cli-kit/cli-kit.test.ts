import { AppError, ConfigError } from '@retail-stream/runtime';
import { CommanderError } from 'commander';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseTimeArg, parseTimeRange } from './duration.ts';
import { EXIT, exitCodeFor, interruptedError, usageError } from './exit-codes.ts';
import { formatTable, Output } from './output.ts';
import { formatEta, Progress } from './progress.ts';
import { RateLimiter } from './rate-limit.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('duration', () => {
  it('parses relative times as "ago"', () => {
    expect(parseTimeArg('2h', NOW)).toBe(NOW - 2 * 3_600_000);
    expect(parseTimeArg('30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseTimeArg('1d', NOW)).toBe(NOW - 86_400_000);
    expect(parseTimeArg('1.5h', NOW)).toBe(NOW - 5_400_000);
    expect(parseTimeArg('now', NOW)).toBe(NOW);
    expect(parseDuration('500ms')).toBe(500);
  });

  it('parses ISO times, UTC unless a zone is given', () => {
    expect(parseTimeArg('2026-03-01T08:00:00Z', NOW)).toBe(Date.parse('2026-03-01T08:00:00Z'));
    expect(parseTimeArg('2026-03-01T08:00', NOW)).toBe(Date.parse('2026-03-01T08:00:00Z'));
    expect(parseTimeArg('2026-03-01 08:00:00', NOW)).toBe(Date.parse('2026-03-01T08:00:00Z'));
    expect(parseTimeArg('2026-03-01T08:00:00+07:00', NOW)).toBe(Date.parse('2026-03-01T01:00:00Z'));
    expect(parseTimeArg('2026-03-01', NOW)).toBe(Date.parse('2026-03-01T00:00:00Z'));
  });

  it('refuses what it cannot read, as a usage error', () => {
    for (const bad of ['yesterday', '2x', '', '2026-13-45', '-2h']) {
      expect(() => parseTimeArg(bad, NOW)).toThrow(AppError);
      try {
        parseTimeArg(bad, NOW);
      } catch (err) {
        expect(exitCodeFor(err)).toBe(EXIT.USAGE);
      }
    }
  });

  it('checks a range: --to defaults to now, --to before --from is refused', () => {
    expect(parseTimeRange('2h', undefined, NOW)).toEqual({ from: NOW - 7_200_000, to: NOW });
    expect(parseTimeRange(undefined, undefined, NOW)).toBeUndefined();
    expect(() => parseTimeRange('1h', '2h', NOW)).toThrow(/not after --from/);
    expect(() => parseTimeRange(undefined, '2h', NOW)).toThrow(/--to needs --from/);
  });
});

describe('exit codes', () => {
  it('maps errors to the documented codes', () => {
    expect(exitCodeFor(usageError('x'))).toBe(64);
    expect(exitCodeFor(new AppError('REPLAY_BAD_RANGE', 'x'))).toBe(64);
    expect(exitCodeFor(new ConfigError(['PG_URL: bad']))).toBe(64);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(64);
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
    expect(exitCodeFor(interruptedError())).toBe(130);
    expect(exitCodeFor(new AppError('PG_UNAVAILABLE', 'x'))).toBe(69);
    expect(exitCodeFor(new AppError('KAFKA_UNAVAILABLE', 'x'))).toBe(69);
    expect(exitCodeFor(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(69);
    const kafkajs = Object.assign(new Error('retries'), {
      name: 'KafkaJSNonRetriableError',
      cause: Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }),
    });
    expect(exitCodeFor(kafkajs)).toBe(69);
    expect(exitCodeFor(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(
      69,
    );
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor(new AppError('SHADOW_EXISTS', 'x'))).toBe(1);
  });
});

describe('output', () => {
  function capture(json: boolean) {
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks: string[] = [];
    const notes: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    err.on('data', (c: Buffer) => notes.push(c.toString()));
    return {
      output: new Output(() => json, out, err),
      stdout: () => chunks.join(''),
      stderr: () => notes.join(''),
    };
  }

  it('--json: exactly one JSON document on stdout, notes on stderr, bigints as strings', () => {
    const c = capture(true);
    c.output.note('resuming');
    c.output.result({ written: 3, offset: 12n }, () => 'human');
    expect(JSON.parse(c.stdout())).toEqual({ written: 3, offset: '12' });
    expect(c.stderr()).toBe('resuming\n');
  });

  it('human: a table with numbers right-aligned', () => {
    const c = capture(false);
    c.output.result({}, () => [
      { store: 'S1', records: 1200 },
      { store: 'S22', records: 5 },
    ]);
    expect(c.stdout()).toBe(
      ['store  records', '-----  -------', 'S1       1,200', 'S22          5', ''].join('\n'),
    );
    expect(formatTable([])).toBe('(none)');
  });
});

describe('progress', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (c: Buffer) => (written += c.toString()));
    const p = new Progress({ label: 'replay', total: 100, stream, intervalMs: 0 });
    p.tick(50);
    p.stop();
    expect(written).toBe('');
  });

  it('computes rate and ETA', () => {
    let t = 0;
    const p = new Progress({ label: 'replay', total: 1000, stream: new PassThrough(), now: () => t });
    t = 2000;
    p.tick(200);
    expect(p.line(2000)).toBe('replay: 200/1,000 records (20.0%), 100/s, ETA 8s');
    expect(formatEta(75)).toBe('1m15s');
    expect(formatEta(4000)).toBe('1h06m');
  });
});

describe('rate limit', () => {
  it('lets a second of events through, then spaces batches at the rate', async () => {
    let t = 0;
    const r = new RateLimiter(100, () => t);
    expect(r.waitMs(100)).toBe(0);
    await r.take(100);
    expect(r.waitMs(50)).toBe(500);
    t = 500;
    expect(r.waitMs(50)).toBe(0);
    // A batch bigger than a second's worth waits for its own size, not forever.
    t = 10_000;
    await r.take(100);
    expect(r.waitMs(300)).toBe(3000);
  });
});
