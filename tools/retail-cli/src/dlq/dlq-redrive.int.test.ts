import { REDRIVE_HEADERS, frame, readDeadLetter } from '@retail-stream/runtime';
import { decodeAll, OwnRegistry, signedByStores } from '@retail-stream/runtime/testing';
import { posEventRecord, registerAll, type SaleRecorded, type StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedriveResult } from './redrive.ts';
import { DlqPipeline } from './testing/dlq-pipeline.ts';
import { runCli } from './testing/run-cli.ts';
import { withdrawnSchema, type WithdrawnSchema } from './testing/withdrawn-schema.ts';

// A registry of this test's own: a schema is withdrawn by a hard delete, which the local stack's
// registry refuses (SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE is off there). serviceEnv() takes the
// URL from the environment, so the pipeline, its services and the CLI all use this one.
const ownRegistry = await OwnRegistry.start({ SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE: 'true' });
process.env.SCHEMA_REGISTRY_URL = ownRegistry.url;
const pipe = new DlqPipeline();
let ids: Record<string, number>;
let late: WithdrawnSchema;
const good = new StoreEventFactory('s-good').mixed(8);
/** Sales encoded with a schema id the registry does not know yet: ingest dead-letters them. */
const early = new StoreEventFactory('s-early').sales(4);
/** A sale whose total is wrong: BUSINESS_INVALID on every attempt. */
const broken: SaleRecorded = (() => {
  const s = new StoreEventFactory('s-broken').sale(2);
  return { ...s, total_minor: s.total_minor + 100 };
})();

const cli = (...args: string[]) => runCli(args, pipe.cliEnv());
const redrive = async (...args: string[]): Promise<RedriveResult> => {
  const run = await cli(
    'dlq',
    'redrive',
    '--topic',
    pipe.topics.dlq,
    '--parking-topic',
    pipe.topics.parking,
    '--json',
    ...args,
  );
  expect(run.code, run.stderr).toBe(0);
  return run.json<RedriveResult>();
};

beforeAll(async () => {
  await pipe.start();
  ids = await registerAll(pipe.serde, { registryUrl: pipe.endpoints.registryUrl });
  late = await withdrawnSchema(pipe.endpoints.registryUrl, 'SaleRecorded', pipe.name);
  pipe.onTeardown(() => late.drop());
});
afterAll(async () => {
  await pipe.stop();
  await ownRegistry.stop();
});

const unsigned = (e: StoreEvent): Message => {
  const r = posEventRecord(pipe.serde, (t) => ids[t], e);
  return { key: r.key, value: r.value, headers: { ...r.headers } };
};
/** As the store's relay writes it: signed with the store's (test) key. */
const message = (e: StoreEvent): Message => signedByStores([unsigned(e)])[0]!;
const lateMessage = (e: SaleRecorded): Message =>
  signedByStores([
    { ...unsigned(e), value: frame(late.id, late.type.toBuffer({ ...e, [late.field]: '' })) },
  ])[0]!;

describe('retail dlq redrive through the real ingest processor and Postgres sink', () => {
  it('redrives records dead-lettered for a schema id registered late: each arrives once downstream', async () => {
    const enriched = await pipe.collect(pipe.topics.enriched);
    const dlq = await pipe.collect(pipe.topics.dlq);
    await (await pipe.producer()).send(pipe.topics.pos, [...good.map(message), ...early.map(lateMessage)]);
    await dlq.waitForCount(early.length);
    await enriched.waitForCount(good.length);
    expect(dlq.messages.map((m) => readDeadLetter(m.headers)?.code)).toEqual(
      early.map(() => 'UNKNOWN_SCHEMA_ID'),
    );

    // Before the schema exists, the value shows as bytes with the registry's reason.
    const before = await cli(
      'dlq',
      'show',
      '--topic',
      pipe.topics.dlq,
      '--code',
      'UNKNOWN_SCHEMA_ID',
      '--max',
      '1',
      '--json',
    );
    expect(before.code, before.stderr).toBe(0);
    const shown = before.json<{ records: { value: { kind: string; reason: string } }[] }>().records;
    expect(shown).toHaveLength(1);
    expect(shown[0]!.value.kind).toBe('bytes');
    expect(shown[0]!.value.reason).toContain(`schema id ${late.id}`);

    // Redriving now would only fail again: the records wait, their attempts untouched.
    const early1 = await redrive('--code', 'UNKNOWN_SCHEMA_ID', '--dry-run');
    expect(early1).toMatchObject({ matched: 4, notReady: 4, redriven: 0 });

    // The schema is registered (late); a fresh ingest instance forgets the 404 it remembered.
    await pipe.stopIngest();
    expect(await late.register()).toBe(late.id);
    await pipe.startIngest();

    const dry = await redrive('--code', 'UNKNOWN_SCHEMA_ID', '--dry-run');
    expect(dry).toMatchObject({ dryRun: true, matched: 4, redriven: 4, parked: 0 });
    const run = await redrive('--code', 'UNKNOWN_SCHEMA_ID', '--rate', '1000');
    expect(run).toMatchObject({ dryRun: false, matched: 4, redriven: 4, parked: 0, alreadyHandled: 0 });
    expect(run.byTopic).toEqual({ [pipe.topics.pos]: 4 });

    await enriched.waitForCount(good.length + early.length);
    await enriched.settled(1_500);
    const out = await decodeAll<StoreEvent>(pipe.serde, enriched.messages);
    const count = (id: string) => out.filter((e) => e.event_id === id).length;
    expect(early.map((e) => count(e.event_id))).toEqual([1, 1, 1, 1]);
    expect(out).toHaveLength(good.length + early.length);
    const redriven = enriched.messages.filter((m) => m.headers[REDRIVE_HEADERS.id] === run.runId);
    expect(redriven.map((m) => m.headers[REDRIVE_HEADERS.attempt])).toEqual(['1', '1', '1', '1']);

    await pipe.sinkCaughtUp();
    const { rows } = await pipe.db.pool.query<{ event_id: string; n: string }>(
      `SELECT event_id::text, count(*) AS n FROM hq.hq_inbox WHERE event_id::text = ANY($1) GROUP BY event_id`,
      [early.map((e) => e.event_id)],
    );
    expect(rows.map((r) => [r.event_id, Number(r.n)]).sort()).toEqual(
      early.map((e) => [e.event_id, 1]).sort(),
    );

    // The same redrive again sends nothing: the ledger has every one of them.
    const again = await redrive('--code', 'UNKNOWN_SCHEMA_ID');
    expect(again).toMatchObject({ matched: 4, redriven: 0, alreadyHandled: 4 });
    const ledger = await pipe.db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM ops.dlq_redrives WHERE redrive_id = $1 AND action = $2',
      [run.runId, 'redriven'],
    );
    expect(Number(ledger.rows[0]!.n)).toBe(4);
    await enriched.settled(1_000);
    expect(enriched.messages).toHaveLength(good.length + early.length);
  });

  it('a record that keeps failing comes back with attempt+1 and is parked after --max-attempts', async () => {
    const dlq = await pipe.collect(pipe.topics.dlq);
    await dlq.waitForCount(early.length);
    await (await pipe.producer()).send(pipe.topics.pos, [message(broken)]);
    const base = early.length;
    await dlq.waitForCount(base + 1);
    const args = ['--code', 'BUSINESS_INVALID', '--max-attempts', '2'];

    const first = await redrive(...args);
    expect(first).toMatchObject({ matched: 1, redriven: 1, parked: 0 });
    await dlq.waitForCount(base + 2);
    expect(dlq.messages[base + 1]!.headers[REDRIVE_HEADERS.attempt]).toBe('1');
    expect(dlq.messages[base + 1]!.headers[REDRIVE_HEADERS.id]).toBe(first.runId);
    expect(readDeadLetter(dlq.messages[base + 1]!.headers)?.code).toBe('BUSINESS_INVALID');

    const second = await redrive(...args);
    expect(second).toMatchObject({ matched: 2, alreadyHandled: 1, redriven: 1, parked: 0 });
    await dlq.waitForCount(base + 3);
    expect(dlq.messages[base + 2]!.headers[REDRIVE_HEADERS.attempt]).toBe('2');

    const third = await redrive(...args);
    expect(third).toMatchObject({ matched: 3, alreadyHandled: 2, redriven: 0, parked: 1 });
    expect(third.byTopic).toEqual({ [pipe.topics.parking]: 1 });
    // The parking topic did not exist: the first park created it.
    const parking = await pipe.collect(pipe.topics.parking);
    await parking.waitForCount(1);
    const parked = parking.messages[0]!;
    expect(readDeadLetter(parked.headers)).toMatchObject({
      code: 'BUSINESS_INVALID',
      sourceTopic: pipe.topics.pos,
    });
    expect(parked.headers[REDRIVE_HEADERS.attempt]).toBe('2');
    expect(parked.key).toBe('s-broken');
    expect(parked.value.equals(message(broken).value as Buffer)).toBe(true);

    // Nothing left to do: the DLQ got nothing new, parking keeps its one record.
    const fourth = await redrive(...args);
    expect(fourth).toMatchObject({ matched: 3, alreadyHandled: 3, redriven: 0, parked: 0 });
    await dlq.settled(1_000);
    expect(dlq.messages).toHaveLength(base + 3);
    expect(parking.messages).toHaveLength(1);

    const audit = await pipe.db.pool.query<{ outcome: string; n: string }>(
      `SELECT outcome, count(*) AS n FROM ops.audit_log WHERE command = 'dlq redrive' GROUP BY outcome ORDER BY outcome`,
    );
    expect(audit.rows.map((r) => [r.outcome, Number(r.n)])).toEqual([
      ['dry-run', 2],
      ['ok', 6],
    ]);
  });
});
