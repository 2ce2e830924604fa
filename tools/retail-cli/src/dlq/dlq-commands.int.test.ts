import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde, deadLetterMessage, type ErrorCode, newKafkaClient } from '@retail-stream/runtime';
import {
  Teardowns,
  testEndpoints,
  testPgDatabase,
  testTopics,
  TestProducer,
  type TestPgDatabase,
  type TestTopics,
} from '@retail-stream/runtime/testing';
import { posEventRecord, registerAll } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { logLevel, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DlqSummary } from './dlq-summary.ts';
import { RedriveLog } from './redrive-log.ts';
import { redrive } from './redrive.ts';
import { runCli } from './testing/run-cli.ts';

const endpoints = testEndpoints(serviceEnv());

/** One record of `show --json` (the fields these tests read). */
interface Shown {
  offset: string;
  value: { kind: string; length?: number; reason?: string; hex: string[]; value: Record<string, unknown> };
}
const teardowns = new Teardowns({ ignoreErrors: true });
let topics: TestTopics<'dlq' | 'pos'>;
let db: TestPgDatabase;
const NOW = Date.now();
const MIN = 60_000;
const HOUR = 60 * MIN;
const sale = new StoreEventFactory('s002').sale(2);
const GONE_TOPIC = 'dlq-cmd-it-topic-that-was-deleted';

/** A dead letter written `agoMs` before the test, with its Kafka timestamp at the same time. */
function dead(
  key: string,
  value: Buffer,
  code: ErrorCode,
  processor: string,
  sourceTopic: string,
  agoMs: number,
  partition: number,
): Message {
  const at = new Date(NOW - agoMs);
  const m = deadLetterMessage(
    { topic: sourceTopic, partition: 0, offset: '7', key, value, headers: { event_type: 'SaleRecorded' } },
    { code, message: `${code} for the test` },
    processor,
    at,
  );
  return { ...m, partition, timestamp: String(at.getTime()) };
}

const cli = (...args: string[]) =>
  runCli(args, {
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    ...endpoints.registry,
    PG_URL: db.url,
    LOG_LEVEL: 'error',
  });
const list = async (...args: string[]): Promise<DlqSummary> => {
  const run = await cli('dlq', 'list', '--topic', topics.dlq, '--json', ...args);
  expect(run.code, run.stderr).toBe(0);
  return run.json<DlqSummary>();
};
const lows = async (): Promise<string[]> => {
  const admin = newKafkaClient({
    brokers: endpoints.brokers,
    clientId: 'dlq-cmd-it',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topics.dlq))
      .sort((a, b) => a.partition - b.partition)
      .map((o) => o.low);
  } finally {
    await admin.disconnect();
  }
};

beforeAll(async () => {
  topics = teardowns.add(await testTopics(endpoints.brokers, 'dlq-cmd-it', { dlq: 2, pos: 1 }), (t) =>
    t.drop(),
  );
  db = teardowns.add(await testPgDatabase(endpoints.pgUrl, { prefix: 'dlq_cmd_it' }), (d) => d.drop());
  const serde = AvroSerde.fromConfig(endpoints.registry);
  const ids = await registerAll(serde, { registryUrl: endpoints.registryUrl });
  const decodable = posEventRecord(serde, (t) => ids[t], sale).value as Buffer;
  const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0x01, 2, 4, 6]);
  const producer = teardowns.add(await TestProducer.connect(endpoints.brokers, 'dlq-cmd-it'), (p) =>
    p.close(),
  );
  await producer.send(topics.dlq, [
    // partition 0: offsets 0–2 unknown schema id (s001, 10 min ago), 3 business-invalid (s002, 2 h ago)
    ...[0, 1, 2].map(() =>
      dead('s001', unknownId, 'UNKNOWN_SCHEMA_ID', 'ingest-processor', topics.pos, 10 * MIN, 0),
    ),
    dead('s002', decodable, 'BUSINESS_INVALID', 'ingest-processor', topics.pos, 2 * HOUR, 0),
    // partition 1: offsets 0–1 refused by the Postgres sink 30 h ago (its source topic is gone since), 2 not a dead letter
    ...[0, 1].map(() =>
      dead('s003', decodable, 'PG_DATA_REJECTED', 'postgres-sink', GONE_TOPIC, 30 * HOUR, 1),
    ),
    { key: 's004', value: Buffer.from('{"json":1}'), partition: 1 },
  ]);
});
afterAll(() => teardowns.run());

describe('retail dlq list / show / purge on known content', () => {
  it('list groups by code, source topic, processor and age, with counts, oldest and newest', async () => {
    const s = await list();
    expect(s.total).toBe(7);
    const rows = s.groups.map((g) => [g.code, g.sourceTopic, g.processor, g.age, g.count]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['UNKNOWN_SCHEMA_ID', topics.pos, 'ingest-processor', '<1h', 3],
        ['BUSINESS_INVALID', topics.pos, 'ingest-processor', '1h-24h', 1],
        ['PG_DATA_REJECTED', GONE_TOPIC, 'postgres-sink', '1d-7d', 2],
        ['(no dlq headers)', '', '', '<1h', 1],
      ]),
    );
    expect(rows).toHaveLength(4);
    const business = s.groups.find((g) => g.code === 'BUSINESS_INVALID')!;
    expect(business.oldest).toBe(new Date(NOW - 2 * HOUR).toISOString());
    expect(business.newest).toBe(business.oldest);

    expect((await list('--code', 'UNKNOWN_SCHEMA_ID', '--store', 's001')).total).toBe(3);
    expect((await list('--processor', 'postgres-sink')).total).toBe(2);
    expect((await list('--since', '1h')).total).toBe(4);
    expect((await list('--since', '3h', '--until', '1h')).total).toBe(1);
    expect((await list('--code', 'BUSINESS_INVALID,PG_DATA_REJECTED')).total).toBe(3);

    const human = await cli('dlq', 'list', '--topic', topics.dlq);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/UNKNOWN_SCHEMA_ID\s+\S+\s+ingest-processor\s+<1h\s+3/);
    expect(human.stdout).toContain(`7 dead letter(s) in ${topics.dlq} match`);
  });

  it('show decodes headers, and the value through the registry when it can (hex otherwise)', async () => {
    const one = await cli('dlq', 'show', '--topic', topics.dlq, '--offset', '0:3', '--json');
    expect(one.code, one.stderr).toBe(0);
    const [rec] = one.json<{ records: Shown[] }>().records;
    expect(rec).toMatchObject({
      partition: 0,
      offset: '3',
      key: 's002',
      redriveAttempt: 0,
      deadLetter: { code: 'BUSINESS_INVALID', sourceTopic: topics.pos, processor: 'ingest-processor' },
      headers: { event_type: 'SaleRecorded' },
      value: { kind: 'avro', type: 'retail.events.SaleRecorded' },
    });
    expect(rec!.value.value.event_id).toBe(sale.event_id);
    expect(rec!.value.value.total_minor).toBe(sale.total_minor);

    const bytes = await cli(
      'dlq',
      'show',
      '--topic',
      topics.dlq,
      '--code',
      'UNKNOWN_SCHEMA_ID',
      '--max',
      '2',
      '--json',
    );
    const recs = bytes.json<{ records: Shown[] }>().records;
    expect(recs.map((r) => r.offset)).toEqual(['0', '1']);
    expect(recs[0]!.value).toMatchObject({
      kind: 'bytes',
      length: 8,
      reason: expect.stringContaining(`schema id ${0x7fffff01}`),
    });
    expect(recs[0]!.value.hex[0]).toMatch(/^00000000 {2}00 7f ff ff 01 02 04 06/);

    const text = await cli('dlq', 'show', '--topic', topics.dlq, '--offset', '1:2');
    expect(text.stdout).toContain('no dlq.* headers');
    expect(text.stdout).toContain('not in the Confluent wire format');
  });

  it('purge --dry-run changes nothing; without --yes off a terminal it refuses; --yes deletes exactly up to the offset', async () => {
    expect(await lows()).toEqual(['0', '0']);
    const dry = await cli('dlq', 'purge', '--topic', topics.dlq, '--before', '1d', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const plan = dry.json<{
      total: number;
      partitions: { partition: number; count: number; deleteBefore: string }[];
    }>();
    expect(plan.total).toBe(2);
    expect(plan.partitions.map((p) => [p.partition, p.count, p.deleteBefore])).toEqual([
      [0, 0, '0'],
      [1, 2, '2'],
    ]);
    expect(await lows()).toEqual(['0', '0']);

    const refused = await cli('dlq', 'purge', '--topic', topics.dlq, '--before', '1d', '--json');
    expect(refused.code).toBe(1);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('DLQ_CONFIRMATION_REQUIRED');
    expect(await lows()).toEqual(['0', '0']);

    const done = await cli('dlq', 'purge', '--topic', topics.dlq, '--before', '1:1', '--yes', '--json');
    expect(done.code, done.stderr).toBe(0);
    expect(done.json()).toMatchObject({ total: 1, deleted: 1, lowAfter: { 0: '0', 1: '1' } });
    expect(await lows()).toEqual(['0', '1']);
    expect((await list()).total).toBe(6);
    expect((await list('--processor', 'postgres-sink')).total).toBe(1);

    const audit = await db.pool.query<{ outcome: string; n: string }>(
      `SELECT outcome, count(*) AS n FROM ops.audit_log WHERE command = 'dlq purge' GROUP BY outcome ORDER BY outcome`,
    );
    expect(audit.rows.map((r) => [r.outcome, Number(r.n)])).toEqual([
      ['dry-run', 1],
      ['failed', 1],
      ['ok', 1],
    ]);
  });
});

describe('retail dlq: bad input', () => {
  it('an unknown code filter lists nothing (exit 0, with a note); show finds nothing (DLQ_NO_MATCH, exit 1)', async () => {
    const run = await cli('dlq', 'list', '--topic', topics.dlq, '--code', 'NO_SUCH_CODE', '--json');
    expect(run.code).toBe(0);
    expect(run.json<DlqSummary>()).toEqual({ topic: topics.dlq, total: 0, groups: [] });
    expect(run.stderr).toContain('NO_SUCH_CODE is not a code of the error catalogue');
    const show = await cli('dlq', 'show', '--topic', topics.dlq, '--code', 'NO_SUCH_CODE', '--json');
    expect(show.code).toBe(1);
    expect(show.json<{ error: { code: string } }>().error.code).toBe('DLQ_NO_MATCH');
  });

  it('an unknown DLQ topic, or a source topic that no longer exists: DLQ_UNKNOWN_TOPIC, nothing sent', async () => {
    const missing = await cli('dlq', 'list', '--topic', 'dlq-cmd-it-no-such-topic', '--json');
    expect(missing.code).toBe(1);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('DLQ_UNKNOWN_TOPIC');

    const redrive = await cli(
      'dlq',
      'redrive',
      '--topic',
      topics.dlq,
      '--processor',
      'postgres-sink',
      '--json',
    );
    expect(redrive.code).toBe(1);
    expect(redrive.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'DLQ_UNKNOWN_TOPIC',
      message: expect.stringContaining(GONE_TOPIC),
    });
    const ledger = await db.pool.query('SELECT 1 FROM ops.dlq_redrives');
    expect(ledger.rowCount).toBe(0);
  });

  it('a redrive while another of the same topic runs is refused (DLQ_REDRIVE_RUNNING); a dry run still plans', async () => {
    const release = await (await RedriveLog.open(db.pool, 'ops')).lock(topics.dlq);
    try {
      const run = await cli('dlq', 'redrive', '--topic', topics.dlq, '--code', 'UNKNOWN_SCHEMA_ID', '--json');
      expect(run.code).toBe(1);
      expect(run.json<{ error: { code: string } }>().error.code).toBe('DLQ_REDRIVE_RUNNING');
      const dry = await cli(
        'dlq',
        'redrive',
        '--topic',
        topics.dlq,
        '--code',
        'UNKNOWN_SCHEMA_ID',
        '--dry-run',
        '--json',
      );
      expect(dry.code, dry.stderr).toBe(0);
      // Their schema id is still unknown to the registry: sending them would only fail again.
      expect(dry.json()).toMatchObject({ dryRun: true, matched: 3, notReady: 3, redriven: 0 });
    } finally {
      await release();
    }
    const ledger = await db.pool.query('SELECT 1 FROM ops.dlq_redrives');
    expect(ledger.rowCount).toBe(0);
  });

  it('redrive --max stops after N records; --offset picks exact records; records without dlq headers are left alone', async () => {
    const dry = (...args: string[]) =>
      cli('dlq', 'redrive', '--topic', topics.dlq, '--dry-run', '--json', ...args);
    expect(
      (await dry('--code', 'UNKNOWN_SCHEMA_ID', '--max', '2', '--no-schema-check')).json(),
    ).toMatchObject({
      matched: 2,
      redriven: 2,
      reachedMax: true,
    });
    // 0:1 has a schema id the registry lacks (not ready); 0:3 can go.
    expect((await dry('--offset', '0:1', '--offset', '0:3')).json()).toMatchObject({
      matched: 2,
      notReady: 1,
      redriven: 1,
    });
    expect((await dry('--store', 's004')).json()).toMatchObject({ matched: 1, invalid: 1, redriven: 0 });
  });

  it('a redrive stopped by Ctrl-C (its signal) before a record sends nothing and reports interrupted', async () => {
    const stop = new AbortController();
    stop.abort();
    const result = await redrive({
      kafka: newKafkaClient({
        brokers: endpoints.brokers,
        clientId: 'dlq-cmd-it',
        logLevel: logLevel.NOTHING,
      }),
      dlqTopic: topics.dlq,
      parkingTopic: `${topics.dlq}-parking`,
      filter: { codes: ['BUSINESS_INVALID'] },
      log: await RedriveLog.open(db.pool, 'ops'),
      maxAttempts: 3,
      signal: stop.signal,
    });
    expect(result).toMatchObject({ interrupted: true, matched: 0, redriven: 0 });
    expect((await db.pool.query('SELECT 1 FROM ops.dlq_redrives')).rowCount).toBe(0);
  });

  it('bad times, offsets and ranges are usage errors (exit 64) before anything is read', async () => {
    const usage = async (...args: string[]) => {
      const run = await cli('dlq', ...args, '--json');
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(64);
      return run;
    };
    await usage('list', '--topic', topics.dlq, '--since', 'yesterday-ish');
    await usage('list', '--topic', topics.dlq, '--since', '1h', '--until', '2h');
    await usage('show', '--topic', topics.dlq, '--offset', '0-3');
    await usage('purge', '--topic', topics.dlq, '--before', '9:1', '--yes');
    await usage('redrive', '--topic', topics.dlq, '--max-attempts', '0');
    await usage('redrive', '--topic', topics.dlq, '--rate', '-5');
    expect(await lows()).toEqual(['0', '1']);
  });
});
