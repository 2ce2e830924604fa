import { AssignedReader, schemaPool } from '@retail-stream/runtime';
import { testPgSchema, uniqueIdentifier } from '@retail-stream/runtime/testing';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { KafkaMessage } from 'kafkajs';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { StoreDatabases } from './store-outbox.ts';
import { PipelineWorld } from './testing/pipeline-world.ts';
import { traceEvent, type TraceDeps } from './trace-event.ts';
import { ensureTraceIndex } from './trace-index.ts';

/**
 * retail trace against a real pipeline (ingest, KPI windows, the three sinks): an event that went
 * everywhere, one the relay sent twice (ingest dropped the copy), one ingest dead-lettered, and
 * one nobody knows. The positions the trace reports are checked against the topics themselves.
 */
describe('retail trace', () => {
  const STORE = uniqueIdentifier('c4t');
  let w: PipelineWorld;
  let ops: pg.Pool;
  let opsSchema: { name: string; drop(): Promise<void> };
  let deps: TraceDeps;
  const f = new StoreEventFactory(STORE, undefined, 1, () => Date.now() - 60_000);
  const everywhere = f.sale(3);
  const duplicated = f.sale(2);
  const poison = { ...f.sale(2), occurred_at: Date.now() + 24 * 3_600_000 }; // beyond the future skew: BUSINESS_INVALID

  beforeAll(async () => {
    w = await PipelineWorld.start([STORE]);
    opsSchema = testPgSchema(w.endpoints.pgUrl, 'c4ops');
    ops = schemaPool(w.endpoints.pgUrl, opsSchema.name, {
      max: 2,
      connectionTimeoutMillis: 5_000,
      applicationName: 'c4-test',
    });
    await ops.query(`CREATE SCHEMA "${opsSchema.name}"`);
    await ensureTraceIndex(ops);
    deps = {
      hq: w.hq,
      hqSchema: w.hqSchema,
      ops,
      clickhouse: w.ch,
      cassandra: { client: async () => w.cassandra, keyspace: w.keyspace },
      stores: new StoreDatabases(() => w.storeDb(STORE).url),
      kafka: w.kafka,
      topics: {
        raw: w.topics.pos,
        enriched: w.topics.enriched,
        deadLetters: w.topics.dlq,
        duplicates: w.topics.dups,
      },
    };
    await w.commit([everywhere, duplicated, poison]);
    await w.publish([everywhere]);
    await w.publish([duplicated], 2);
    await w.publish([poison]);
    await w.settle(2, [STORE]);
  }, 240_000);

  afterAll(async () => {
    await deps?.stores.close();
    await ops?.end();
    await opsSchema?.drop();
    await w?.stop();
  }, 120_000);

  /** The one record at topic/partition/offset (read by assignment). */
  const recordAt = async (topic: string, partition: number, offset: string): Promise<KafkaMessage> => {
    const got: KafkaMessage[] = [];
    const reader = new AssignedReader({
      kafka: w.kafka,
      topics: [topic],
      ranges: [{ topic, partition, from: BigInt(offset), to: BigInt(offset) + 1n }],
      onBatch: (_t, _p, messages) => {
        got.push(...messages);
      },
    });
    await reader.start();
    await reader.done;
    await reader.stop();
    return got[0]!;
  };
  const headerOf = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

  it('an event that went everywhere: outbox, raw and enriched offsets, every sink, its KPI windows', async () => {
    const r = await traceEvent(deps, { eventId: everywhere.event_id });
    expect(r).toMatchObject({
      found: true,
      outcome: 'enriched',
      duplicates: 0,
      store_id: STORE,
      store_seq: 1,
      event_type: 'SaleRecorded',
    });
    const inbox = r.findings.inbox!;
    expect(inbox.raw_partition).not.toBeNull();
    // The positions are the records': the raw record and the enriched record carry this event id.
    const raw = await recordAt(w.topics.pos, inbox.raw_partition!, inbox.raw_offset!);
    expect(headerOf(raw, 'event_id')).toBe(everywhere.event_id);
    const enriched = await recordAt(w.topics.enriched, inbox.source_partition, inbox.source_offset);
    expect(headerOf(enriched, 'event_id')).toBe(everywhere.event_id);
    // One header names the raw record (partition/offset/broker ms), and it is the inbox's raw position.
    expect(headerOf(enriched, 'ingest.source')).toBe(
      `${inbox.raw_partition}/${inbox.raw_offset}/${new Date(inbox.raw_at!).getTime()}`,
    );
    expect(headerOf(enriched, 'ingest.source.offset')).toBeUndefined();
    expect(headerOf(enriched, 'trace_id')).toBeUndefined();

    expect(r.findings.outbox).toMatchObject({ store_seq: 1, publish_attempts: 1 });
    expect(r.findings.outbox!.published_at).not.toBeNull();
    expect(r.findings.sinks.map((s) => [s.sink, s.table.replace(/^.*\./, ''), s.found])).toEqual([
      ['postgres', 'hq_transactions', true],
      ['clickhouse', 'sales', true],
      ['cassandra', 'transaction_by_id_and_store', true],
    ]);
    expect(r.findings.sinks[1]!.row).toMatchObject({ rows: 1, transaction_id: everywhere.transaction_id });
    // Four store windows (M1, M15, H1, D1_LOCAL) and the chain's, each with a revision that counted it.
    const storeWindows = r.findings.kpi.filter((k) => k.scope === `store:${STORE}`);
    expect(storeWindows.map((k) => k.window_size).sort()).toEqual(['D1_LOCAL', 'H1', 'M1', 'M15']);
    expect(storeWindows.every((k) => k.revision >= 1 && k.counted)).toBe(true);
    expect(r.hops.map((h) => h.hop)).toEqual(
      expect.arrayContaining([
        'store outbox',
        'relay published',
        'raw topic',
        'ingest enriched',
        'postgres inbox',
      ]),
    );
    // Store commit → relay → raw → enriched → inbox are timed, in order.
    const timed = r.hops.slice(0, 5);
    expect(timed.every((h) => h.at !== null)).toBe(true);
  });

  it('a duplicate: the first copy enriched, the re-sent copy dropped at its own raw offset', async () => {
    const r = await traceEvent(deps, { storeId: STORE, storeSeq: 2 });
    expect(r).toMatchObject({
      found: true,
      outcome: 'enriched',
      duplicates: 1,
      event_id: duplicated.event_id,
    });
    const dup = r.findings.outcomes.find((o) => o.kind === 'duplicate')!;
    const inbox = r.findings.inbox!;
    expect(dup.source_partition).toBe(inbox.raw_partition);
    expect(BigInt(dup.source_offset!)).toBe(BigInt(inbox.raw_offset!) + 1n); // the copy came right after
    const copy = await recordAt(w.topics.pos, dup.source_partition!, dup.source_offset!);
    expect(headerOf(copy, 'event_id')).toBe(duplicated.event_id);
    expect(r.findings.outbox).toMatchObject({ publish_attempts: 2 });
    expect(r.findings.sinks.every((s) => s.found)).toBe(true);
    expect(r.findings.sinks[1]!.row).toMatchObject({ rows: 1 });
  });

  it('a dead-lettered event: the reason, the dead letter and the raw record it came from', async () => {
    const r = await traceEvent(deps, { eventId: poison.event_id });
    expect(r).toMatchObject({ found: true, outcome: 'dead_letter', store_id: STORE, store_seq: 3 });
    expect(r.findings.inbox).toBeUndefined();
    expect(r.findings.sinks).toEqual([]);
    const dl = r.findings.outcomes.find((o) => o.kind === 'dead_letter')!;
    expect(dl).toMatchObject({
      code: 'BUSINESS_INVALID',
      processor: 'ingest-processor',
      source_topic: w.topics.pos,
    });
    const letter = await recordAt(w.topics.dlq, dl.partition, dl.offset);
    expect(headerOf(letter, 'event_id')).toBe(poison.event_id);
    const raw = await recordAt(w.topics.pos, dl.source_partition!, dl.source_offset!);
    expect(headerOf(raw, 'event_id')).toBe(poison.event_id);
    // Found by store and sequence too (through the outbox's event id).
    const bySeq = await traceEvent(deps, { storeId: STORE, storeSeq: 3 });
    expect(bySeq.outcome).toBe('dead_letter');
  });

  it('the index is incremental: a second trace reads no dead letter or duplicate again', async () => {
    const { rows } = await ops.query<{ n: string }>('SELECT count(*) AS n FROM trace_outcomes');
    await traceEvent(deps, { eventId: everywhere.event_id });
    const again = await ops.query<{ n: string }>('SELECT count(*) AS n FROM trace_outcomes');
    expect(again.rows[0]!.n).toBe(rows[0]!.n);
    expect(Number(rows[0]!.n)).toBe(2); // one dead letter, one duplicate
  });

  it('the command: timeline as JSON, exit 0; an unknown event exits 2 with TRACE_EVENT_UNKNOWN', async () => {
    const run = async (...args: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      stdout.on('data', (d) => (out += d));
      const code = await main(['node', 'retail', ...args], w.env(), { stdout, stderr });
      return { code, out };
    };
    // --no-index: the CLI's topic names are the live ones (schemas TOPICS); this world's dead
    // letters were indexed above through the library with its own topics.
    const ok = await run(
      'trace',
      everywhere.event_id,
      '--store-db',
      w.storeDb(STORE).url,
      '--no-index',
      '--json',
    );
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.out) as { outcome: string; hops: { hop: string }[] };
    expect(doc.outcome).toBe('enriched');
    expect(doc.hops.length).toBeGreaterThanOrEqual(8);
    const unknown = await run(
      'trace',
      '01939d7e-0000-7000-8000-000000000000',
      '--store',
      STORE,
      '--store-db',
      w.storeDb(STORE).url,
      '--no-index',
      '--json',
    );
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.out)).toMatchObject({ found: false, code: 'TRACE_EVENT_UNKNOWN' });
  });
});
