import { AssignedReader, PG_SCHEMA_NAME, type PartitionRange } from '@retail-stream/runtime';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import type { OpenSink } from '../replay/sink-target.ts';
import type { MissingEvent, SinkName } from './missing-events.ts';
import type { StoreDayEvent } from './store-figures.ts';

export interface RepairDeps {
  kafka: Kafka;
  enrichedTopic: string;
  /** HQ database, no search path. */
  hq: pg.Pool;
  hqSchema: string;
  /** The sink's own write path (replay/sink-target.ts: the live sink's handler). */
  openSink(sink: SinkName): Promise<OpenSink>;
  /**
   * The raw records of events as the store's relay would publish them (from its outbox), for
   * events Kafka no longer holds. Undefined: such events are only reported.
   */
  fromOutbox?(eventIds: string[]): Promise<Map<string, KafkaMessage>>;
}

/** Partition and offset recorded for an event re-applied from the store's outbox (no Kafka position). */
export const OUTBOX_POSITION = -1;

export interface RepairResult {
  /** Events re-applied per sink. */
  applied: Partial<Record<SinkName, number>>;
  /** Event ids no longer in the enriched topic (retention): re-applied from the store's outbox when possible. */
  notInKafka: string[];
  /** Of those, the ones re-applied from the outbox records. */
  fromOutbox: string[];
}

interface Located {
  partition: number;
  message: KafkaMessage;
}

const eventIdOf = (m: KafkaMessage) => m.headers?.event_id?.toString();

/**
 * A targeted replay of what is missing: the enriched records of exactly these events, read by
 * position (hq_inbox keeps where each applied event was) or, for events HQ never applied, by time
 * from just before the store committed them; then written through each sink's own write path. The
 * Postgres inbox rows of events missing from an HQ table are deleted first, so the sink's
 * exactly-once inbox lets them through again (a crash in between leaves them missing; the next
 * run finds and repairs them).
 */
export async function repairMissing(
  deps: RepairDeps,
  missing: readonly MissingEvent[],
  storeEvents: readonly StoreDayEvent[],
): Promise<RepairResult> {
  const result: RepairResult = { applied: {}, notInKafka: [], fromOutbox: [] };
  if (missing.length === 0) return result;
  if (!PG_SCHEMA_NAME.test(deps.hqSchema)) throw new RangeError(`invalid schema name '${deps.hqSchema}'`);
  const wanted = new Set(missing.map((m) => m.event_id));
  const found = await locate(deps, wanted, storeEvents);
  result.notInKafka = [...wanted].filter((id) => !found.has(id));
  if (result.notInKafka.length > 0 && deps.fromOutbox) {
    // Kafka's retention dropped them: the store's outbox still has the events. Their records are
    // the relay's (no enrichment: the sinks write them as from an unknown store), applied at
    // position -1/-1 so hq_inbox shows where they came from.
    for (const [id, message] of await deps.fromOutbox(result.notInKafka)) {
      found.set(id, { partition: OUTBOX_POSITION, message: { ...message, offset: String(OUTBOX_POSITION) } });
      result.fromOutbox.push(id);
    }
  }

  for (const sink of ['postgres', 'clickhouse', 'cassandra'] as const) {
    const ids = missing.filter((m) => m.sink === sink && found.has(m.event_id)).map((m) => m.event_id);
    if (ids.length === 0) continue;
    if (sink === 'postgres') {
      await deps.hq.query(`DELETE FROM "${deps.hqSchema}".hq_inbox WHERE event_id = ANY($1)`, [ids]);
    }
    const byPartition = new Map<number, KafkaMessage[]>();
    for (const id of ids) {
      const { partition, message } = found.get(id)!;
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), message]);
    }
    const target = await deps.openSink(sink);
    try {
      for (const [partition, messages] of byPartition) {
        if (partition !== OUTBOX_POSITION)
          messages.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
        await target.apply(deps.enrichedTopic, partition, messages);
      }
    } finally {
      await target.close();
    }
    result.applied[sink] = ids.length;
  }
  return result;
}

/** The enriched records of the wanted events: by inbox position where HQ has one, else by time. */
async function locate(
  deps: RepairDeps,
  wanted: ReadonlySet<string>,
  storeEvents: readonly StoreDayEvent[],
): Promise<Map<string, Located>> {
  const found = new Map<string, Located>();
  const { rows } = await deps.hq.query<{ event_id: string; p: number; o: string }>(
    `SELECT event_id, source_partition AS p, source_offset::text AS o FROM "${deps.hqSchema}".hq_inbox WHERE event_id = ANY($1)`,
    [[...wanted]],
  );
  const ranges: PartitionRange[] = rows.map((r) => ({
    topic: deps.enrichedTopic,
    partition: r.p,
    from: BigInt(r.o),
    to: BigInt(r.o) + 1n,
  }));
  const keep = (partition: number, messages: KafkaMessage[]) => {
    for (const m of messages) {
      const id = eventIdOf(m);
      if (id !== undefined && wanted.has(id) && !found.has(id)) found.set(id, { partition, message: m });
    }
  };
  if (ranges.length > 0) await read(deps.kafka, { topics: [deps.enrichedTopic], ranges }, keep, () => false);
  const rest = [...wanted].filter((id) => !found.has(id));
  if (rest.length > 0) {
    const created = storeEvents.filter((e) => rest.includes(e.event_id)).map((e) => e.created_at.getTime());
    // Ingest appends an event after the store committed it: start a minute before the first commit.
    const from = (created.length > 0 ? Math.min(...created) : Date.now() - 86_400_000) - 60_000;
    await read(deps.kafka, { topics: [deps.enrichedTopic], fromTimestamp: from, untilEnd: true }, keep, () =>
      rest.every((id) => found.has(id)),
    );
  }
  return found;
}

async function read(
  kafka: Kafka,
  opts: { topics: string[]; ranges?: PartitionRange[]; fromTimestamp?: number; untilEnd?: boolean },
  onBatch: (partition: number, messages: KafkaMessage[]) => void,
  enough: () => boolean,
): Promise<void> {
  let done!: () => void;
  const early = new Promise<void>((resolve) => (done = resolve));
  const reader = new AssignedReader({
    kafka,
    ...opts,
    onBatch: (_t, partition, messages) => {
      onBatch(partition, messages);
      if (enough()) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await reader.start();
    await Promise.race([
      reader.done,
      early,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`reading ${opts.topics.join(',')} took over 120 s`)),
          120_000,
        );
      }),
    ]);
    reader.check();
  } finally {
    clearTimeout(timer);
    await reader.stop();
  }
}
