import {
  parseStoreEpochDecision,
  readDeadLetter,
  seededRandom,
  STORE_EPOCH_HEADER,
} from '@retail-stream/runtime';
import { decodeAll, signedByStores } from '@retail-stream/runtime/testing';
import { posEventRecord, registerAll, type StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedriveResult } from '../dlq/redrive.ts';
import { DlqPipeline } from '../dlq/testing/dlq-pipeline.ts';
import { runCli } from '../dlq/testing/run-cli.ts';

// Item 3 of issue 13 end to end: a store database rebuilt from scratch (new epoch, store_seq from 1)
// through the real ingest processor and Postgres sink; the operator's `retail store epoch` and
// `retail dlq redrive` bring its held events in exactly once; the old epoch is refused after.
const pipe = new DlqPipeline();
let ids: Record<string, number>;
const store = `ep${Date.now().toString(36)}`;
const epochA = randomUUID();
const epochB = randomUUID();
const before = new StoreEventFactory(store, seededRandom(11)).mixed(5);
const rebuilt = new StoreEventFactory(store, seededRandom(12)).mixed(3);

const cli = (...args: string[]) => runCli(args, pipe.cliEnv());
/** The relay's record of `e` from the database of `epoch`, signed by the store. */
const record = (e: StoreEvent, epoch: string): Message => {
  const r = posEventRecord(pipe.serde, (t) => ids[t], e);
  return signedByStores([
    { key: r.key, value: r.value, headers: { ...r.headers, [STORE_EPOCH_HEADER]: epoch } },
  ])[0]!;
};
const auditRows = async () =>
  (
    await pipe.db.pool.query<{ id: string; outcome: string; args: Record<string, string>; actor: string }>(
      `SELECT id::text, outcome, args, actor FROM ops.audit_log WHERE command = 'store epoch' ORDER BY id`,
    )
  ).rows;
const inboxOf = async () =>
  (
    await pipe.db.pool.query<{ event_id: string }>(
      'SELECT event_id::text FROM hq.hq_inbox WHERE store_id = $1 ORDER BY event_id',
      [store],
    )
  ).rows.map((r) => r.event_id);

beforeAll(async () => {
  await pipe.start();
  ids = await registerAll(pipe.serde, { registryUrl: pipe.endpoints.registryUrl });
}, 120_000);
afterAll(() => pipe.stop());

describe('retail store epoch: a rebuilt store database', () => {
  it('holds the new epoch in the DLQ, starts it by command (audited), redrives it exactly once, then refuses the old epoch', async () => {
    const enriched = await pipe.collect(pipe.topics.enriched);
    const dlq = await pipe.collect(pipe.topics.dlq);
    const producer = await pipe.producer();
    await producer.send(
      pipe.topics.pos,
      before.map((e) => record(e, epochA)),
    );
    await enriched.waitForKey(store, 5);

    // The database is rebuilt: a new epoch, selling again from store_seq 1.
    await producer.send(
      pipe.topics.pos,
      rebuilt.map((e) => record(e, epochB)),
    );
    await dlq.waitForKey(store, 3);
    expect(dlq.of(store).map((m) => readDeadLetter(m.headers)?.code)).toEqual(
      Array(3).fill('STORE_EPOCH_UNAPPROVED'),
    );
    await enriched.settled(1_000);
    expect(enriched.of(store)).toHaveLength(5);

    // Refused usage changes nothing; a dry run is audited and publishes nothing.
    const bad = await cli('store', 'epoch', '--store', store, '--start', 'not-an-epoch', '--reason', 'x');
    expect(bad.code).toBe(64);
    const dry = await cli(
      'store',
      'epoch',
      '--store',
      store,
      '--start',
      epochB,
      '--reason',
      'disk lost, DB rebuilt (test)',
      '--topic',
      pipe.topics.epochs,
      '--dry-run',
      '--json',
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json()).toMatchObject({ dry_run: true, decision: { store_id: store, epoch: epochB } });

    const run = await cli(
      'store',
      'epoch',
      '--store',
      store,
      '--start',
      epochB,
      '--reason',
      'disk lost, DB rebuilt (test)',
      '--topic',
      pipe.topics.epochs,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const audit = await auditRows();
    expect(audit.map((r) => r.outcome)).toEqual(['dry-run', 'ok']);
    expect(audit[1]).toMatchObject({
      actor: 'dlq-it',
      args: { store, start: epochB, reason: 'disk lost, DB rebuilt (test)' },
    });
    const decisions = await pipe.collect(pipe.topics.epochs);
    await decisions.waitForCount(1);
    expect(decisions.messages).toHaveLength(1);
    expect(parseStoreEpochDecision(decisions.messages[0]!.value.toString())).toMatchObject({
      store_id: store,
      epoch: epochB,
      audit_id: audit[1]!.id,
    });

    const redriven = await cli(
      'dlq',
      'redrive',
      '--topic',
      pipe.topics.dlq,
      '--parking-topic',
      pipe.topics.parking,
      '--code',
      'STORE_EPOCH_UNAPPROVED',
      '--store',
      store,
      '--json',
    );
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(redriven.json<RedriveResult>()).toMatchObject({ matched: 3, redriven: 3, parked: 0 });

    // Nothing lost, nothing counted twice: 5 + 3 events, each once, on enriched and in hq_inbox.
    await enriched.waitForKey(store, 8);
    await enriched.settled(1_500);
    const out = await decodeAll<StoreEvent>(pipe.serde, enriched.of(store));
    expect(out.map((e) => e.event_id)).toEqual([...before, ...rebuilt].map((e) => e.event_id));
    await pipe.sinkCaughtUp();
    expect(await inboxOf()).toEqual([...before, ...rebuilt].map((e) => e.event_id).sort());

    // A record of the old epoch after the switch (a stale relay or a replay) is refused.
    const stale = new StoreEventFactory(store, seededRandom(13), 6).mixed(1)[0]!;
    await producer.send(pipe.topics.pos, [record(stale, epochA)]);
    await dlq.waitForKey(store, 4);
    expect(readDeadLetter(dlq.of(store)[3]!.headers)).toMatchObject({ code: 'STORE_EPOCH_RETIRED' });
    await enriched.settled(1_500);
    expect(enriched.of(store)).toHaveLength(8);
    await pipe.sinkCaughtUp();
    expect(await inboxOf()).toHaveLength(8);
  });
});
